package commission

import (
	"fmt"

	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// FlatPerWon pays flatAmount per won lead.
const FlatPerWon PlanType = "flat_per_won"

type flatPerWon struct{}

func (flatPerWon) Name() PlanType                        { return FlatPerWon }
func (flatPerWon) Fields() []string                      { return []string{"flatAmount"} }
func (flatPerWon) Validate(p Plan, ve *validation.Error) { validateFlatAmount(p, ve) }

func (flatPerWon) onWon(a *applier, p Plan, w *WonDeal) error {
	a.add(KindAccrual, p, w.Deal.Value.Amount, 0, p.FlatAmount, "", fmt.Sprintf("flat fee per won lead: %s %s", Decimal(p.FlatAmount, p.Currency), p.Currency))
	return nil
}
