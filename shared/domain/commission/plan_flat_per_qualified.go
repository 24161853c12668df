package commission

import (
	"fmt"

	"github.com/partnerleads/pipeline/shared/domain/validation"
)

// FlatPerQualified pays flatAmount per lead that reaches qualified, once.
const FlatPerQualified PlanType = "flat_per_qualified"

type flatPerQualified struct{}

func (flatPerQualified) Name() PlanType                        { return FlatPerQualified }
func (flatPerQualified) Fields() []string                      { return []string{"flatAmount"} }
func (flatPerQualified) Validate(p Plan, ve *validation.Error) { validateFlatAmount(p, ve) }

func (flatPerQualified) onQualified(a *applier, p Plan) {
	if a.ls.Qualified {
		a.skipped = "the qualified fee is paid once per lead"
		return
	}
	a.ls.Qualified = true
	a.add(KindAccrual, p, 0, 0, p.FlatAmount, "", fmt.Sprintf("flat fee per qualified lead: %s %s", Decimal(p.FlatAmount, p.Currency), p.Currency))
}
