package metrics

import "sort"

// Response times go into buckets, so a median needs no list of leads: one
// minute wide below an hour, 5 minutes to 4 hours, an hour to 3 days, a day
// to 30 days, then one overflow bucket. bucketLow[i] is bucket i's lower
// bound in seconds.
var bucketLow = func() []int64 {
	var b []int64
	for m := int64(0); m < 60; m++ {
		b = append(b, m*60)
	}
	for m := int64(60); m < 240; m += 5 {
		b = append(b, m*60)
	}
	for h := int64(4); h < 72; h++ {
		b = append(b, h*3600)
	}
	for d := int64(3); d <= 30; d++ {
		b = append(b, d*86400)
	}
	return b
}()

func bucketOf(seconds int64) int {
	return sort.Search(len(bucketLow), func(i int) bool { return bucketLow[i] > seconds }) - 1
}

// median is the lower bound of the bucket that holds the middle value
// (the lower middle for an even count).
func median(counts map[int]int64, n int64) int64 {
	if n == 0 {
		return 0
	}
	want := (n + 1) / 2
	var seen int64
	for i := range bucketLow {
		seen += counts[i]
		if seen >= want {
			return bucketLow[i]
		}
	}
	return bucketLow[len(bucketLow)-1]
}
