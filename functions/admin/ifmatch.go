package main

import (
	"strconv"
	"strings"

	"github.com/partnerleads/pipeline/shared/edge/httpapi"
)

// ifMatch reads the version a versioned document's writer last read, from
// If-Match (a bare number or an ETag such as "3"), or 0 when the header is
// absent.
func ifMatch(r httpapi.Request) (int, error) {
	v := r.Header("If-Match")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(v, "W/"), `"`))
	if err != nil || n < 1 {
		return 0, httpapi.BadRequest("invalid-if-match", "Invalid If-Match", "If-Match must be the version number you read")
	}
	return n, nil
}
