package commission

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// MulDiv is the one rounding rule for money: a × num / den, rounded half
// away from zero to a whole minor unit. den must be positive. It is exact
// for any int64 inputs whose result fits.
func MulDiv(a, num, den int64) int64 {
	if den <= 0 {
		panic("commission.MulDiv: den must be positive")
	}
	p := new(big.Int).Mul(big.NewInt(a), big.NewInt(num))
	return roundDiv(p, den)
}

// roundDiv divides x by den, rounding half away from zero.
func roundDiv(x *big.Int, den int64) int64 {
	d := big.NewInt(den)
	q, r := new(big.Int).QuoRem(x, d, new(big.Int))
	if new(big.Int).Abs(new(big.Int).Mul(r, big.NewInt(2))).Cmp(d) >= 0 {
		if x.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q.Int64()
}

// exponents lists ISO 4217 currencies whose minor unit is not 1/100.
var exponents = map[string]int{"JPY": 0, "KRW": 0, "CLP": 0, "PYG": 0, "BHD": 3, "KWD": 3, "OMR": 3, "TND": 3}

// Decimal formats minor units as a plain decimal ("-1234.50"), for people.
func Decimal(minor int64, currency string) string {
	exp, ok := exponents[currency]
	if !ok {
		exp = 2
	}
	neg := minor < 0
	digits := strconv.FormatUint(absU(minor), 10)
	if exp > 0 {
		if len(digits) <= exp {
			digits = strings.Repeat("0", exp-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-exp] + "." + digits[len(digits)-exp:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

func absU(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1
	}
	return uint64(v)
}

// percent formats basis points as a percentage ("12.50%").
func percent(bps int64) string { return fmt.Sprintf("%d.%02d%%", bps/100, bps%100) }
