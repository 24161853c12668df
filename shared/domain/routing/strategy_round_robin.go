package routing

// WeightedRoundRobin deals a rule's leads out in turn, each rep as often as
// its weight, skipping reps who cannot take the lead now.
const WeightedRoundRobin = "weighted_round_robin"

type byRoundRobin struct{}

func (byRoundRobin) Name() string      { return WeightedRoundRobin }
func (byRoundRobin) UsesPointer() bool { return true }

// Compile precomputes the pool's cycle; the rule's pointer says where in it
// the next lead starts looking.
func (byRoundRobin) Compile(pool []string, reps map[string]Rep) picker {
	cyc := cycle(pool, reps)
	return func(c *choice) (string, int64) {
		n := int64(len(cyc))
		for k := range n {
			if i := cyc[(c.pointer+k)%n]; c.eligible[i] {
				return c.candidates[i].RepID, c.pointer + k + 1
			}
		}
		return "", 0
	}
}

// cycle is one period of smooth weighted round-robin over the pool: every
// prefix gives each rep its weighted share to within one lead.
func cycle(pool []string, reps map[string]Rep) []int {
	w := make([]int, len(pool))
	total := 0
	for i, id := range pool {
		w[i] = max(reps[id].Weight, 1)
		total += w[i]
	}
	cur := make([]int, len(pool))
	out := make([]int, 0, total)
	for range total {
		best := 0
		for i := range pool {
			cur[i] += w[i]
			if cur[i] > cur[best] {
				best = i
			}
		}
		cur[best] -= total
		out = append(out, best)
	}
	return out
}
