package lead

// PathTo returns the shortest sequence of allowed moves from s to to (not
// including s), or nil when the lifecycle does not connect them. An external
// system that jumps ahead ("won" while we are at "contacted") is followed
// through the intermediate stages, each recorded.
func (s Status) PathTo(to Status) []Status {
	if s == to {
		return []Status{}
	}
	if s.Terminal() {
		return nil // reopening is a manager's explicit decision, never a synced step
	}
	prev := map[Status]Status{s: ""}
	queue := []Status{s}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, n := range transitions[cur] {
			if _, seen := prev[n]; seen || n == StatusAssigned {
				continue // assigning is routing's job, never a synced step
			}
			prev[n] = cur
			if n == to {
				var path []Status
				for x := n; x != s; x = prev[x] {
					path = append([]Status{x}, path...)
				}
				return path
			}
			queue = append(queue, n)
		}
	}
	return nil
}
