package notify

import (
	"testing"
	"time"
)

// FuzzVerify: any header and body are either verified or refused with a
// typed error, never a panic; a header we sign always verifies, and never
// for another body.
func FuzzVerify(f *testing.F) {
	f.Add("t=1773147600,v1=00", []byte(`{"id":"x"}`))
	f.Add("t=1773147600,v1=a,v1=b", []byte{})
	f.Add(",,,=", []byte("x"))
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		now := time.Unix(1773147600, 0)
		_ = Verify(header, body, "whsec_fuzz", time.Minute, now)
		good := SignatureValue([]string{"whsec_other", "whsec_fuzz"}, now.Unix(), body)
		if err := Verify(good, body, "whsec_fuzz", time.Minute, now); err != nil {
			t.Fatalf("own signature refused: %v", err)
		}
		if err := Verify(good, append(body, 'x'), "whsec_fuzz", time.Minute, now); err == nil {
			t.Fatal("a changed body verified")
		}
	})
}
