package intake

import "strings"

// NormaliseCNPJ validates a Brazilian CNPJ, formatted or not, and returns its
// 14 bare characters. It accepts the alphanumeric CNPJ introduced in 2026:
// the first 12 characters may be letters, and each character's value for the
// check digits is its ASCII code minus 48, which keeps numeric CNPJs unchanged.
func NormaliseCNPJ(raw string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(strings.TrimSpace(raw)) {
		switch {
		case r == '.' || r == '/' || r == '-':
		case (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z'):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	id := b.String()
	if len(id) != 14 || !isDigit(id[12]) || !isDigit(id[13]) {
		return "", false
	}
	if strings.Count(id, id[:1]) == 14 { // 00000000000000 and the like pass the sums
		return "", false
	}
	if cnpjDigit(id[:12]) != id[12] || cnpjDigit(id[:13]) != id[13] {
		return "", false
	}
	return id, true
}

func cnpjDigit(base string) byte {
	sum, weight := 0, 2
	for i := len(base) - 1; i >= 0; i-- {
		sum += int(base[i]-'0') * weight
		weight++
		if weight > 9 {
			weight = 2
		}
	}
	r := sum % 11
	if r < 2 {
		return '0'
	}
	return byte('0' + 11 - r)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
