package validation

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

type inner struct {
	Tier string `json:"tier"`
}

type body struct {
	OnCall    bool            `json:"onCall"`
	PartnerID string          `json:"partnerId"`
	Limit     int             `json:"limit"`
	Until     *time.Time      `json:"until"`
	Events    []string        `json:"events"`
	Rules     json.RawMessage `json:"rules"`
	Inner     inner           `json:"inner"`
	Items     []inner         `json:"items"`
	Labels    map[string]string
}

// A null where the field cannot be null is refused with its path; where it
// can (pointers, lists, maps, raw JSON), it means "absent" as before.
func TestDecodeRefusesNullForFieldsThatCannotBeNull(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in     string
		fields []string
	}{
		{`{"onCall":null}`, []string{"onCall"}},
		{`{"partnerId":null,"limit":null}`, []string{"partnerId", "limit"}},
		{`{"inner":{"tier":null}}`, []string{"inner.tier"}},
		{`{"items":[{"tier":"a"},{"tier":null}]}`, []string{"items[1].tier"}},
		{`{"inner":null}`, []string{"inner"}},
		{`{"until":null,"events":null,"rules":null,"Labels":null}`, nil},
		{`{"onCall":false,"partnerId":"p1"}`, nil},
	} {
		var b body
		err := Decode([]byte(c.in), &b)
		var ve *Error
		switch {
		case c.fields == nil && err != nil:
			t.Errorf("%s: %v, want accepted", c.in, err)
		case c.fields != nil && !errors.As(err, &ve):
			t.Errorf("%s: %v, want field errors %v", c.in, err, c.fields)
		case c.fields != nil:
			got := map[string]bool{}
			for _, f := range ve.Fields {
				got[f.Field] = f.Code == "null"
			}
			for _, f := range c.fields {
				if !got[f] || len(ve.Fields) != len(c.fields) {
					t.Errorf("%s: fields %+v, want %v", c.in, ve.Fields, c.fields)
				}
			}
		}
	}
}
