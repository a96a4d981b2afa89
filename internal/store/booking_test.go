package store_test

import (
	"testing"
	"time"

	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/store/storetest"
)

// TestHitPrunes checks that Hit deletes hits older than its retention
// (a little over a day) and keeps the rest. Pruning is random in
// production; PruneOnEveryHit makes it happen on every hit.
func TestHitPrunes(t *testing.T) {
	for _, b := range []struct {
		name    string
		backend storetest.Backend
	}{
		{"sqlite", storetest.SQLite},
		{"postgres", storetest.Postgres},
	} {
		t.Run(b.name, func(t *testing.T) {
			s := storetest.MustOpen(t, b.backend(t))
			store.PruneOnEveryHit(s)
			day := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
			for _, h := range []struct {
				key      string
				now      time.Time
				wantRows int
			}{
				{"a", day, 1},
				{"b", day.Add(time.Hour), 2},
				{"c", day.Add(25*time.Hour + time.Minute), 2}, // "a" is over 25 hours old
				{"d", day.Add(27 * time.Hour), 2},             // and now "b"
			} {
				if _, err := s.Hit(t.Context(), h.key, 24*time.Hour, 10, h.now); err != nil {
					t.Fatal(err)
				}
				n, err := store.RateHitRows(t.Context(), s)
				if err != nil {
					t.Fatal(err)
				}
				if n != h.wantRows {
					t.Errorf("after a hit on %q at %v: %d hits kept, want %d", h.key, h.now, n, h.wantRows)
				}
			}
		})
	}
}
