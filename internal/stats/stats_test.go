package stats

import (
	"slices"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	t.Run("durations", func(t *testing.T) {
		tests := []struct {
			name string
			in   []time.Duration
			want time.Duration
		}{
			{"empty", nil, 0},
			{"one", []time.Duration{7}, 7},
			{"odd unsorted", []time.Duration{30, 10, 20}, 20},
			{"even takes mean of middles", []time.Duration{40, 10, 30, 20}, 25},
			{"even rounds toward lower", []time.Duration{1, 2}, 1},
			{"duplicates", []time.Duration{5, 5, 1, 5, 9}, 5},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := slices.Clone(tt.in)
				if got := Median(in); got != tt.want {
					t.Errorf("median(%v): got %v, want %v", tt.in, got, tt.want)
				}
				if !slices.Equal(in, tt.in) {
					t.Errorf("median modified its input: got %v, want %v", in, tt.in)
				}
			})
		}
	})
	t.Run("floats", func(t *testing.T) {
		tests := []struct {
			in   []float64
			want float64
		}{
			{nil, 0},
			{[]float64{5}, 5},
			{[]float64{3, 1, 2}, 2},
			{[]float64{4, 1, 3, 2}, 2.5},
		}
		for _, tt := range tests {
			in := slices.Clone(tt.in)
			if got := Median(in); got != tt.want {
				t.Errorf("median(%v): got %v, want %v", tt.in, got, tt.want)
			}
			if !slices.Equal(in, tt.in) {
				t.Errorf("median modified its input")
			}
		}
	})
}

func TestPercentile(t *testing.T) {
	ms := time.Millisecond
	hundred := make([]time.Duration, 100) // 1..100 ms
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * ms
	}
	thousand := make([]time.Duration, 1000) // 1..1000 ms
	for i := range thousand {
		thousand[i] = time.Duration(i+1) * ms
	}
	twenty := make([]time.Duration, 20)
	for i := range twenty {
		twenty[i] = time.Duration(20-i) * ms // 20..1, unsorted
	}
	tests := []struct {
		name string
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{"empty", nil, 99, 0},
		{"one value is every percentile", []time.Duration{7 * ms}, 50, 7 * ms},
		{"one value p99", []time.Duration{7 * ms}, 99, 7 * ms},
		{"p50 of 100", hundred, 50, 50 * ms},
		{"p90 of 100", hundred, 90, 90 * ms},
		{"p99 of 100", hundred, 99, 99 * ms},
		{"p100 is the max", hundred, 100, 100 * ms},
		{"p0 is the min", hundred, 0, 1 * ms},
		{"p99 of 1000 is rank 990 exactly", thousand, 99, 990 * ms},
		{"p99.9 of 1000", thousand, 99.9, 999 * ms},
		{"p50 of 4 is the lower middle (nearest rank)", []time.Duration{1, 2, 3, 4}, 50, 2},
		{"p51 of 4 rounds the rank up", []time.Duration{1, 2, 3, 4}, 51, 3},
		{"unsorted: p90 of 20 is the 18th", twenty, 90, 18 * ms},
		{"unsorted: p50 of 20 is the 10th", twenty, 50, 10 * ms},
		{"unsorted: p100 is the max", twenty, 100, 20 * ms},
		{"unsorted: p0 is the min", twenty, 0, 1 * ms},
		{"unsorted: p90 of 3 is the max", []time.Duration{3 * ms, 1 * ms, 2 * ms}, 90, 3 * ms},
		{"unsorted: p90 of 10 is the 9th", []time.Duration{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 90, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.in)
			if got := Percentile(in, tt.p); got != tt.want {
				t.Errorf("percentile(%v, %g): got %v, want %v", tt.in, tt.p, got, tt.want)
			}
			if !slices.Equal(in, tt.in) {
				t.Errorf("percentile modified its input: got %v, want %v", in, tt.in)
			}
		})
	}
}
