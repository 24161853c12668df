// Package notify delivers lead events to partners and channel managers:
// signed webhooks with retries, email and Slack/Teams messages.
package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries "t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>",
// with one v1 per active secret while a secret is being rotated.
const SignatureHeader = "Partner-Leads-Signature"

// Sign returns the hex HMAC-SHA256 of t + "." + body.
func Sign(secret string, t int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(t, 10)))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// SignatureValue builds the header value for every secret.
func SignatureValue(secrets []string, t int64, body []byte) string {
	var b strings.Builder
	b.WriteString("t=" + strconv.FormatInt(t, 10))
	for _, s := range secrets {
		b.WriteString(",v1=" + Sign(s, t, body))
	}
	return b.String()
}

var (
	ErrBadSignature = errors.New("signature does not match")
	ErrStale        = errors.New("signature timestamp outside tolerance")
	ErrMalformed    = errors.New("malformed signature header")
)

// Verify checks a signature header against body with the receiver's secret:
// any v1 may match, and t must be within tolerance of now (replay guard).
// Receivers can copy this function; it needs only the standard library.
func Verify(header string, body []byte, secret string, tolerance time.Duration, now time.Time) error {
	var (
		t    int64 = -1
		sigs []string
	)
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return ErrMalformed
		}
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return ErrMalformed
			}
			t = n
		case "v1":
			sigs = append(sigs, v)
		}
	}
	if t < 0 || len(sigs) == 0 {
		return ErrMalformed
	}
	if d := now.Sub(time.Unix(t, 0)); d > tolerance || d < -tolerance {
		return ErrStale
	}
	want := Sign(secret, t, body)
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return ErrBadSignature
}
