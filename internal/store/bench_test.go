package store_test

import (
	"sync/atomic"
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

// BenchmarkCreateBooking measures booking with a confirmation and a notice
// in one transaction, from many goroutines, each booking a slot of its own:
//
//	go test -run '^$' -bench CreateBooking ./internal/store
func BenchmarkCreateBooking(b *testing.B) {
	for _, bk := range []struct {
		name    string
		backend storetest.Backend
	}{
		{"sqlite", storetest.SQLite},
		{"postgres", storetest.Postgres},
	} {
		b.Run(bk.name+"/parallel", func(b *testing.B) {
			s := storetest.MustOpen(b, bk.backend(b))
			base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			var next atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					start := base.Add(time.Duration(next.Add(1)) * 30 * time.Minute)
					bkg := &store.Booking{
						Start: start, End: start.Add(30 * time.Minute),
						Name: "Ada Lovelace", Email: "ada@example.com", Company: "Analytical Engines",
						Role: "CEO", CompanySize: "11-50", Challenges: []string{"missed deadlines", "founder bottleneck"},
						Message: "Where do we start?", IPHash: "9f86d081884c7d659a2feaa0c55ad015",
					}
					msgs := []store.OutboxMessage{
						{Kind: "confirmation", To: bkg.Email, Payload: []byte(`{"subject":"Your consultation"}`)},
						{Kind: "notice", To: "consultant@example.com", Payload: []byte(`{"subject":"New booking"}`)},
					}
					if err := s.CreateBooking(b.Context(), bkg, msgs, store.Guard{}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
