package commission

import (
	"fmt"
	"time"

	"github.com/partnerleads/pipeline/shared/domain/lead"
	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// RecurringPercent pays rateBps of each confirmed month's revenue, for
// months months from the contract start.
const RecurringPercent PlanType = "recurring_percent"

type recurringPercent struct{}

func (recurringPercent) Name() PlanType   { return RecurringPercent }
func (recurringPercent) Fields() []string { return []string{"rateBps", "months"} }

func (recurringPercent) Validate(p Plan, ve *validation.Error) {
	validateRate(p, ve)
	if p.Months < 1 || p.Months > 120 {
		ve.Add("months", "out_of_range", "from 1 to 120")
	}
}

func (recurringPercent) onRevenue(a *applier, p Plan, w *WonDeal) error {
	if a.t.Revenue.Currency != p.Currency {
		return &CurrencyMismatchError{Plan: p.Currency, Deal: a.t.Revenue.Currency}
	}
	start, _ := time.Parse(lead.DateLayout, w.Deal.ContractStart)
	month, err := time.Parse(PeriodLayout, a.t.Month)
	if err != nil {
		return fmt.Errorf("revenue month %q: want YYYY-MM", a.t.Month)
	}
	k := monthsBetween(start, month)
	if k < 0 || k >= p.Months {
		a.skipped = fmt.Sprintf("%s is outside the %d recurring months from %s", a.t.Month, p.Months, w.Deal.ContractStart)
		return nil
	}
	if a.ls.CancelledOn != "" && a.t.Month > a.ls.CancelledOn[:7] {
		a.skipped = "the customer cancelled on " + a.ls.CancelledOn
		return nil
	}
	amt := a.t.Revenue.Amount
	a.add(KindRecurring, p, amt, p.RateBps, MulDiv(amt, p.RateBps, 10000),
		"", fmt.Sprintf("%s of %s revenue %s %s (month %d of %d, invoice %s)", percent(p.RateBps), a.t.Month, Decimal(amt, p.Currency), p.Currency, k+1, p.Months, a.t.Reference))
	return nil
}
