package routing

// LeastLoaded gives the lead to the eligible rep with the lowest open ÷
// capacity, then the lowest id.
const LeastLoaded = "least_loaded"

type byLeastLoaded struct{}

func (byLeastLoaded) Name() string      { return LeastLoaded }
func (byLeastLoaded) UsesPointer() bool { return false }

func (byLeastLoaded) Compile([]string, map[string]Rep) picker {
	return func(c *choice) (string, int64) { return leastLoaded(c.candidates, c.eligible), 0 }
}
