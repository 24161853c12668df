// Package validation reports request problems field by field and decodes
// JSON strictly. Every API body goes through Decode.
package validation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/partnerleads/pipeline/shared/domain/fault"
)

// FieldError names one problem with one field, by its JSON path.
type FieldError = fault.FieldError

// Error carries every field problem found in a request.
type Error struct{ Fields []FieldError }

func (e *Error) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid request: " + strings.Join(parts, "; ")
}

// Fault classifies the error: a body that is not JSON at all is Malformed,
// anything else Invalid with its fields.
func (e *Error) Fault() *fault.Error {
	if e.Malformed() {
		return fault.New(fault.Malformed, "malformed-json", "Malformed JSON", e.Fields[0].Message)
	}
	return &fault.Error{Kind: fault.Invalid, Slug: fault.SlugValidation, Title: fault.TitleValidation, Detail: e.Error(), Fields: e.Fields}
}

// Add records a problem.
func (e *Error) Add(field, code, format string, args ...any) {
	e.Fields = append(e.Fields, FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// OrNil returns e when it holds a problem, else nil.
func (e *Error) OrNil() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Malformed reports whether the request could not be read as JSON at all.
func (e *Error) Malformed() bool { return len(e.Fields) == 1 && e.Fields[0].Code == CodeMalformed }

// CodeMalformed is the code of a body that is not one JSON object.
const CodeMalformed = "malformed_json"

// Field returns an *Error with a single problem.
func Field(field, code, format string, args ...any) error {
	var e Error
	e.Add(field, code, format, args...)
	return &e
}

// Decode reads exactly one JSON object into v, refusing unknown fields,
// wrong types, trailing data and nulls for fields that cannot be null
// with an *Error.
func Decode(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Field("", CodeMalformed, "unexpected data after the JSON object")
	}
	var ve Error
	nulls(body, reflect.TypeOf(v), &ve)
	return ve.OrNil()
}

func decodeError(err error) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		field := typ.Field
		if field == "" {
			return Field("", CodeMalformed, "the body must be a JSON object")
		}
		return Field(field, "wrong_type", "expected %s, got JSON %s", jsonKind(typ.Type.Kind().String()), typ.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return Field(strings.Trim(name, `"`), "unknown_field", "this field is not part of the API")
	}
	return Field("", CodeMalformed, "the body is not a valid JSON object")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "number"
	case "slice", "array":
		return "array"
	default:
		return "object"
	}
}
