package intake

import (
	"strings"

	"golang.org/x/text/language"
)

// NormaliseCountry accepts an ISO 3166-1 alpha-2 or alpha-3 code in any case
// and returns the alpha-2 code.
func NormaliseCountry(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if len(raw) != 2 && len(raw) != 3 {
		return "", false
	}
	for _, c := range raw {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return "", false
		}
	}
	r, err := language.ParseRegion(raw)
	if err != nil || !r.IsCountry() || r.IsPrivateUse() {
		return "", false
	}
	return r.String(), true
}
