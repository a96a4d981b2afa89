// Package stats provides the one order statistic the harnesses (cmd/bench,
// cmd/loadtest, cmd/coldstart) report: the nearest-rank percentile.
package stats

import (
	"cmp"
	"slices"
)

// Percentile returns the nearest-rank pth percentile of xs (p in 0..100):
// the smallest value with at least p% of the values at or below it, or
// zero for none. The median is Percentile(xs, 50); of an even count it is
// the lower middle. xs is not modified.
func Percentile[T cmp.Ordered](xs []T, p int) T {
	if len(xs) == 0 {
		var zero T
		return zero
	}
	s := slices.Sorted(slices.Values(xs))
	rank := (p*len(s) + 99) / 100 // ceil(p/100 · n)
	return s[min(max(rank, 1), len(s))-1]
}
