// Package httpapi is the edge between API Gateway (HTTP API, payload 2.0) and
// the domain: routing, authentication, request decoding, and the one place
// where typed domain errors become status codes and RFC 9457 problems.
package httpapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerleads/pipeline/shared/domain/admin"
	"github.com/partnerleads/pipeline/shared/domain/auth"
	"github.com/partnerleads/pipeline/shared/domain/commission"
	"github.com/partnerleads/pipeline/shared/domain/intake"
	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/lifecycle"
	"github.com/partnerleads/pipeline/shared/domain/metrics"
	"github.com/partnerleads/pipeline/shared/domain/notify"
	"github.com/partnerleads/pipeline/shared/domain/ratelimit"
	"github.com/partnerleads/pipeline/shared/domain/routing"
	"github.com/partnerleads/pipeline/shared/domain/sla"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// ProblemTypePrefix starts every problem type URI; the suffixes are stable
// and documented in the OpenAPI document.
const ProblemTypePrefix = "urn:partnerleads:problem:"

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type           string                  `json:"type"`
	Title          string                  `json:"title"`
	Status         int                     `json:"status"`
	Detail         string                  `json:"detail,omitempty"`
	Errors         []validation.FieldError `json:"errors,omitempty"`
	ExistingLeadID string                  `json:"existingLeadId,omitempty"`
	// RetryAfter, in seconds, becomes the Retry-After header.
	RetryAfter int `json:"-"`
}

func problem(status int, slug, title, detail string) Problem {
	return Problem{Type: ProblemTypePrefix + slug, Title: title, Status: status, Detail: detail}
}

// routeProblem is a problem raised by the edge itself, before the domain.
type routeProblem struct{ p Problem }

func (e *routeProblem) Error() string { return e.p.Title }

func edgeError(status int, slug, title, detail string) error {
	return &routeProblem{problem(status, slug, title, detail)}
}

// ProblemFor is the problem an error answers with; bulk endpoints use it to
// report each row the same way a single request would be answered.
func ProblemFor(err error) Problem {
	p, _ := problemFor(err)
	return p
}

// problemFor maps an error to its problem. It is the only such mapping.
func problemFor(err error) (Problem, bool) {
	var (
		rp  *routeProblem
		rl  *ratelimit.Exceeded
		ve  *validation.Error
		dup *intake.DuplicateError
		tr  *lead.TransitionError
	)
	switch {
	case errors.As(err, &rp):
		return rp.p, true
	case errors.As(err, &rl):
		p := problem(http.StatusTooManyRequests, "rate-limited", "Too many requests", rl.Error())
		p.RetryAfter = int(rl.RetryAfter.Seconds())
		return p, true
	case errors.As(err, &ve):
		if ve.Malformed() {
			p := problem(http.StatusBadRequest, "malformed-json", "Malformed JSON", ve.Fields[0].Message)
			return p, true
		}
		p := problem(http.StatusUnprocessableEntity, "validation-error", "The request has invalid fields", ve.Error())
		p.Errors = ve.Fields
		return p, true
	case errors.As(err, &dup):
		p := problem(http.StatusConflict, "duplicate-lead", "Duplicate lead", "you already sent this lead; it is still open")
		p.ExistingLeadID = dup.LeadID
		return p, true
	case errors.As(err, &tr):
		return problem(http.StatusConflict, "invalid-transition", "Transition not allowed", tr.Error()), true
	case errors.Is(err, intake.ErrAlreadyRegistered):
		return problem(http.StatusConflict, "already-registered", "Already registered", "this lead is already registered and protected for another partner"), true
	case errors.Is(err, intake.ErrIdempotencyMismatch):
		return problem(http.StatusUnprocessableEntity, "idempotency-key-reused", "Idempotency-Key reused", "this Idempotency-Key was used with a different request body"), true
	case errors.Is(err, lead.ErrInvalidCursor):
		return problem(http.StatusBadRequest, "invalid-cursor", "Invalid cursor", "use the cursor of a previous page unchanged"), true
	case errors.Is(err, intake.ErrBodyTooLarge):
		return problem(http.StatusRequestEntityTooLarge, "body-too-large", "Request body too large", "the body exceeds the size limit"), true
	case errors.Is(err, auth.ErrUnauthenticated):
		return problem(http.StatusUnauthorized, "unauthenticated", "Unauthenticated", "send a valid, active API key as 'Authorization: Bearer <key>'"), true
	case errors.Is(err, auth.ErrForbidden):
		return problem(http.StatusForbidden, "forbidden", "Forbidden", "this key's role may not do this"), true
	case errors.Is(err, lead.ErrNotFound), errors.Is(err, auth.ErrKeyNotFound), errors.Is(err, admin.ErrPartnerNotFound), errors.Is(err, notify.ErrNoWebhook), errors.Is(err, metrics.ErrNoReport):
		return problem(http.StatusNotFound, "not-found", "Not found", ""), true
	case errors.Is(err, sla.ErrPolicyConflict):
		return problem(http.StatusConflict, "version-conflict", "The policy changed", err.Error()), true
	case errors.Is(err, lead.ErrVersionConflict):
		return problem(http.StatusConflict, "version-conflict", "The lead changed", "someone changed this lead since the version you sent; read it again"), true
	case errors.Is(err, lead.ErrReasonRequired):
		p := problem(http.StatusUnprocessableEntity, "validation-error", "The request has invalid fields", err.Error())
		p.Errors = []validation.FieldError{{Field: "reason", Code: "required", Message: err.Error()}}
		return p, true
	case errors.Is(err, lead.ErrDealRequired):
		p := problem(http.StatusUnprocessableEntity, "validation-error", "The request has invalid fields", err.Error())
		p.Errors = []validation.FieldError{{Field: "deal", Code: "required", Message: err.Error()}}
		return p, true
	case errors.Is(err, lead.ErrReopenForbidden):
		return problem(http.StatusForbidden, "forbidden", "Forbidden", err.Error()), true
	case errors.Is(err, lead.ErrAssignThroughRouting):
		return problem(http.StatusConflict, "invalid-transition", "Transition not allowed", err.Error()), true
	case errors.Is(err, lifecycle.ErrNoMapping):
		return problem(http.StatusConflict, "no-crm-mapping", "No status mapping", "save one with PUT /v1/admin/crm/{crm}/mapping first"), true
	case errors.Is(err, routing.ErrNotReassignable):
		return problem(http.StatusConflict, "not-reassignable", "Not reassignable", err.Error()), true
	case errors.Is(err, routing.ErrNoRuleSet):
		return problem(http.StatusConflict, "no-rule-set", "No routing rules", "save a rule set with PUT /v1/admin/routing/rules first"), true
	case errors.Is(err, commission.ErrExportNotFound):
		return problem(http.StatusNotFound, "not-found", "Not found", ""), true
	case errors.Is(err, commission.ErrNotWon):
		return problem(http.StatusConflict, "not-won", "The lead is not won", "cancellations and revenue apply to won deals only"), true
	case errors.Is(err, commission.ErrBelowMinimumPayout), errors.Is(err, commission.ErrNothingToPay):
		return problem(http.StatusConflict, "nothing-payable", "Nothing payable", err.Error()), true
	case errors.Is(err, auth.ErrKeyRevoked), errors.Is(err, routing.ErrRuleSetVersionTaken), errors.Is(err, commission.ErrPlanVersionTaken):
		return problem(http.StatusConflict, "conflict", "Conflict", err.Error()), true
	}
	return problem(http.StatusInternalServerError, "internal", "Internal error", "the request could not be completed; it is safe to retry with the same Idempotency-Key"), false
}

func problemResponse(p Problem) events.APIGatewayV2HTTPResponse {
	r := jsonResponse(p.Status, p)
	r.Headers["Content-Type"] = "application/problem+json"
	if p.RetryAfter > 0 {
		r.Headers["Retry-After"] = strconv.Itoa(p.RetryAfter)
	}
	if p.Status == http.StatusUnauthorized {
		r.Headers["WWW-Authenticate"] = `Bearer realm="partner-leads"`
	}
	return r
}
