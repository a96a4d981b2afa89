package store_test

import (
	"testing"
	"time"

	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/store/storetest"
)

// TestCountHitPrunes checks that CountHit deletes windows that ended more
// than a day before now, and keeps the rest. Pruning is random in
// production; PruneOnEveryHit makes it happen on every hit.
func TestCountHitPrunes(t *testing.T) {
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
				window   time.Duration
				now      time.Time
				wantRows int
			}{
				{"old", time.Minute, day, 1},
				{"week", 7 * 24 * time.Hour, day, 2},
				{"new", time.Minute, day.Add(time.Hour), 3},
				// The minute window of "old" ended more than a day ago;
				// "new" ended 59 minutes less than a day ago; the week
				// window has not ended.
				{"late", time.Minute, day.Add(25 * time.Hour), 3},
				{"week", 7 * 24 * time.Hour, day.Add(26 * time.Hour), 2},
			} {
				if _, err := s.CountHit(t.Context(), h.key, h.window, h.now); err != nil {
					t.Fatal(err)
				}
				n, err := store.RateHitRows(t.Context(), s)
				if err != nil {
					t.Fatal(err)
				}
				if n != h.wantRows {
					t.Errorf("after a hit on %q at %v: %d counters, want %d", h.key, h.now, n, h.wantRows)
				}
			}
			if n, err := s.CountHit(t.Context(), "week", 7*24*time.Hour, day.Add(48*time.Hour)); err != nil || n != 3 {
				t.Errorf("week counter after pruning: %d, %v; want 3", n, err)
			}
		})
	}
}
