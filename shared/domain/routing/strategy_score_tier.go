package routing

import "slices"

// ScoreTier sends grade A leads to senior reps and the others to the rest,
// least loaded first; when the pool has nobody eligible of the right tier,
// anyone eligible in it takes the lead.
const ScoreTier = "score_tier"

type byScoreTier struct{}

func (byScoreTier) Name() string      { return ScoreTier }
func (byScoreTier) UsesPointer() bool { return false }

func (byScoreTier) Compile([]string, map[string]Rep) picker {
	return func(c *choice) (string, int64) {
		senior := c.facts.Grade == "A"
		tier := slices.Clone(c.eligible)
		found := false
		for i, cand := range c.candidates {
			if tier[i] && (c.reps[cand.RepID].Tier == "senior") != senior {
				tier[i] = false
			}
			found = found || tier[i]
		}
		if found {
			for i := range c.eligible {
				if c.eligible[i] && !tier[i] {
					c.eligible[i], c.candidates[i].Excluded = false, ExTier
				}
			}
		}
		return leastLoaded(c.candidates, c.eligible), 0
	}
}
