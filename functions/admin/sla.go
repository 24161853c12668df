package main

import (
	"context"
	"net/http"

	"github.com/partnerleads/pipeline/shared/domain/sla"
	"github.com/partnerleads/pipeline/shared/domain/validation"
	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

func (h handler) listPolicies(ctx context.Context, _ httpapi.Request) (httpapi.Response, error) {
	ps, err := h.sla.List(ctx)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"items": ps}), nil
}

// putPolicy saves the next version of a program's policy. If-Match, when
// sent, must name the version the caller read.
func (h handler) putPolicy(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var p sla.Policy
	if err := r.DecodeJSON(maxBody, &p); err != nil {
		return httpapi.Response{}, err
	}
	ifVersion, err := r.IfMatch()
	if err != nil {
		return httpapi.Response{}, err
	}
	saved, err := h.sla.Put(ctx, r.Params["program"], p, int(ifVersion))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, saved), nil
}

func (h handler) putProgram(ctx context.Context, r httpapi.Request) (httpapi.Response, error) {
	var in struct {
		Program *string `json:"program"`
	}
	if err := r.DecodeJSON(maxBody, &in); err != nil {
		return httpapi.Response{}, err
	}
	if in.Program == nil {
		return httpapi.Response{}, validation.Field("program", "required", "is required; empty for the default program")
	}
	if err := h.sla.SetProgram(ctx, r.Params["id"], *in.Program); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, map[string]string{"partnerId": r.Params["id"], "program": *in.Program}), nil
}
