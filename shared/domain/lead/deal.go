package lead

import (
	"time"

	"github.com/partnerleads/pipeline/shared/domain/fault"
)

// Deal is what a won lead closed for: commissions are computed from it.
type Deal struct {
	Value Money `json:"value"`
	// ContractStart is the customer's contract start date (YYYY-MM-DD); the
	// clawback window and recurring months count from it.
	ContractStart string `json:"contractStart"`
	// MonthlyRecurring is the expected monthly revenue, if the deal recurs.
	MonthlyRecurring *Money `json:"monthlyRecurring,omitempty"`
}

// DateLayout is the layout of calendar dates in the API and in events.
const DateLayout = "2006-01-02"

// ErrDealRequired: a lead is won for a value, which commissions need.
var ErrDealRequired = fault.Field("deal", "required", "moving to won needs the deal: value {amount, currency} and contractStart")

// ErrReopenForbidden: only managers and admins reopen a won deal.
var ErrReopenForbidden = fault.New(fault.Forbidden, "forbidden", "Forbidden", "only a manager or admin may reopen a won deal")

// Check reports what is wrong with d, field by field (empty when valid).
func (d Deal) Check() map[string]string {
	bad := map[string]string{}
	if d.Value.Amount <= 0 {
		bad["deal.value.amount"] = "must be a positive amount in minor units (cents)"
	}
	if !validCurrency(d.Value.Currency) {
		bad["deal.value.currency"] = "must be an ISO 4217 code such as BRL"
	}
	if _, err := time.Parse(DateLayout, d.ContractStart); err != nil {
		bad["deal.contractStart"] = "must be a date, YYYY-MM-DD"
	}
	if m := d.MonthlyRecurring; m != nil {
		if m.Amount <= 0 {
			bad["deal.monthlyRecurring.amount"] = "must be a positive amount in minor units"
		}
		if m.Currency != d.Value.Currency {
			bad["deal.monthlyRecurring.currency"] = "must be the deal's currency"
		}
	}
	return bad
}

func validCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for _, r := range c {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}
