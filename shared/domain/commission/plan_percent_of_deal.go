package commission

import (
	"fmt"

	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// PercentOfDeal pays rateBps of the deal value, on won.
const PercentOfDeal PlanType = "percent_of_deal"

type percentOfDeal struct{}

func (percentOfDeal) Name() PlanType                        { return PercentOfDeal }
func (percentOfDeal) Fields() []string                      { return []string{"rateBps"} }
func (percentOfDeal) Validate(p Plan, ve *validation.Error) { validateRate(p, ve) }

func (percentOfDeal) onWon(a *applier, p Plan, w *WonDeal) error {
	v := w.Deal.Value.Amount
	a.add(KindAccrual, p, v, p.RateBps, MulDiv(v, p.RateBps, 10000), "", fmt.Sprintf("%s of the deal value %s %s", percent(p.RateBps), Decimal(v, p.Currency), p.Currency))
	return nil
}
