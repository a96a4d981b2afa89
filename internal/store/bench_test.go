package store_test

import (
	"testing"
	"time"

	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/store/storetest"
)

// BenchmarkSaveQuizResult measures small inserts, one at a time and from
// many goroutines (as concurrent function invocations would). Compare the
// ns/op of the two to see what the single SQLite writer costs:
//
//	go test -run '^$' -bench SaveQuizResult ./internal/store
func BenchmarkSaveQuizResult(b *testing.B) {
	for _, bk := range []struct {
		name    string
		backend storetest.Backend
	}{
		{"sqlite", storetest.SQLite},
		{"postgres", storetest.Postgres},
	} {
		b.Run(bk.name+"/serial", func(b *testing.B) {
			s := storetest.MustOpen(b, bk.backend(b))
			for b.Loop() {
				if err := s.SaveQuizResult(b.Context(), benchResult()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bk.name+"/parallel", func(b *testing.B) {
			s := storetest.MustOpen(b, bk.backend(b))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := s.SaveQuizResult(b.Context(), benchResult()); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

func benchResult() *store.QuizResult {
	return &store.QuizResult{
		CreatedAt:  time.Now(),
		Answers:    map[string]int{"q1": 1, "q2": 2, "q3": 3, "q4": 4, "q5": 0, "q6": 1, "q7": 2, "q8": 3},
		Overall:    62,
		Band:       "scaling",
		Dimensions: map[string]int{"operations": 70, "people": 55, "finance": 61},
	}
}
