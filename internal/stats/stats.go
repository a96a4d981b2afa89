// Package stats provides the order statistics the benchmark programs
// (cmd/bench, cmd/loadtest) report: the median and nearest-rank
// percentiles of a sample.
package stats

import (
	"slices"
	"time"
)

// Median returns the middle of xs, or zero for none. For an even count it is
// the mean of the two middles: for floating-point types (a+b)/2, for integer
// types a+(b-a)/2, which cannot overflow and rounds toward the lower middle.
// xs is not modified.
func Median[T ~int | ~int64 | ~float64](xs []T) T {
	var zero T
	if len(xs) == 0 {
		return zero
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	if T(1)/2 != 0 { // a floating-point type
		return (s[m-1] + s[m]) / 2
	}
	return s[m-1] + (s[m]-s[m-1])/2
}

// Percentile returns the nearest-rank pth percentile of xs: the smallest
// value with at least p% of the values at or below it, or zero for none.
// xs may be in any order (a sorted one is not copied) and is not modified.
func Percentile(xs []time.Duration, p float64) time.Duration {
	if len(xs) == 0 {
		return 0
	}
	if !slices.IsSorted(xs) {
		xs = slices.Sorted(slices.Values(xs))
	}
	// Exact in integers for p with up to 3 decimals, so 99% of 1000 is
	// rank 990, not 991 from float rounding.
	n := int64(len(xs))
	milli := int64(p*1000 + 0.5)
	rank := (milli*n + 100000 - 1) / 100000 // ceil(p/100 · n)
	rank = min(max(rank, 1), n)
	return xs[rank-1]
}
