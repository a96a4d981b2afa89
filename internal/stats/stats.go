// Package stats provides the one order statistic the harnesses (cmd/bench,
// cmd/loadtest, cmd/coldstart) report: the percentile.
package stats

import "slices"

// Percentile returns the pth percentile of xs (p from 0 to 100),
// interpolating linearly between the two nearest ranks, so the median
// (p 50) of an even count is the mean of the middle two; zero for none.
// xs is not modified.
func Percentile[T ~int64 | ~float64](xs []T, p float64) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	r := p / 100 * float64(len(s)-1)
	i := int(r)
	if i >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[i] + T(float64(s[i+1]-s[i])*(r-float64(i)))
}
