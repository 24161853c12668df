// Package fault classifies domain errors, so that an edge can answer them
// without importing the package each one comes from. An error carries a
// Kind (what the caller can do about it) and a stable slug; the HTTP edge
// alone turns kinds into status codes.
package fault

import "time"

// Kind is what went wrong, in terms of what the caller can do next.
type Kind uint8

const (
	Internal        Kind = iota // our failure: retrying may help
	Malformed                   // the request cannot be read (bad JSON, bad cursor or parameter)
	Invalid                     // the request reads, but some of its content is wrong
	Unauthenticated             // no valid credential
	Forbidden                   // the credential may not do this
	NotFound                    // no such thing, or not the caller's to see
	Conflict                    // the current state does not allow it
	TooLarge                    // the body is over its limit
	RateLimited                 // too many requests: retry after RetryAfter
	Unavailable                 // a dependency is busy: retry after RetryAfter
)

// FieldError names one problem with one field, by its JSON path.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error is a classified error. Sentinels are *Error values compared with
// errors.Is; typed errors that carry data implement Classified.
type Error struct {
	Kind   Kind
	Slug   string // stable: urn:partnerleads:problem:<slug>
	Title  string // short, for people
	Detail string
	Fields []FieldError // Invalid: the fields at fault
	// Extensions are extra members of the answer (existingLeadId).
	Extensions map[string]string
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Detail }

// Classified is an error that knows its fault (typed errors with data).
type Classified interface{ Fault() *Error }

// New is a classified error.
func New(kind Kind, slug, title, detail string) *Error {
	return &Error{Kind: kind, Slug: slug, Title: title, Detail: detail}
}

// Field is an Invalid error about one field.
func Field(field, code, detail string) *Error {
	return &Error{Kind: Invalid, Slug: SlugValidation, Title: TitleValidation, Detail: detail,
		Fields: []FieldError{{Field: field, Code: code, Message: detail}}}
}

// The slug and title every field-level refusal shares.
const (
	SlugValidation  = "validation-error"
	TitleValidation = "The request has invalid fields"
)

// NotFoundError is the one not-found answer: it says nothing about whether
// the thing exists for someone else.
var NotFoundError = New(NotFound, "not-found", "Not found", "")

// Of returns the first classified error in err's chain.
func Of(err error) (*Error, bool) {
	for e := err; e != nil; {
		switch x := e.(type) {
		case *Error:
			return x, true
		case Classified:
			return x.Fault(), true
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			e = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				if f, ok := Of(inner); ok {
					return f, true
				}
			}
			return nil, false
		default:
			return nil, false
		}
	}
	return nil, false
}

// Is reports whether err is classified as kind.
func Is(err error, kind Kind) bool {
	f, ok := Of(err)
	return ok && f.Kind == kind
}
