package publish

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDue(t *testing.T) {
	built := at("2026-11-29T10:00:00Z")
	for _, tc := range []struct {
		name      string
		scheduled []string
		now       string
		want      string // "" for nothing due
	}{
		{"nothing scheduled", nil, "2026-11-29T12:00:00Z", ""},
		{"not yet", []string{"2026-11-30T09:00:00Z"}, "2026-11-29T12:00:00Z", ""},
		{"a second early", []string{"2026-11-30T09:00:00Z"}, "2026-11-30T08:59:59Z", ""},
		{"exactly at its time", []string{"2026-11-30T09:00:00Z"}, "2026-11-30T09:00:00Z", "2026-11-30T09:00:00Z"},
		{"within the hour after", []string{"2026-11-30T09:00:00Z"}, "2026-11-30T09:59:00Z", "2026-11-30T09:00:00Z"},
		{"earliest of two due", []string{"2026-12-01T09:00:00Z", "2026-11-30T09:00:00Z"}, "2026-12-02T00:00:00Z", "2026-11-30T09:00:00Z"},
		{"one due, one not", []string{"2026-12-05T09:00:00Z", "2026-11-30T09:00:00Z"}, "2026-11-30T10:00:00Z", "2026-11-30T09:00:00Z"},
		{"dated before the build: already published", []string{"2026-11-29T09:00:00Z"}, "2026-11-29T12:00:00Z", ""},
		{"offsets compare as instants", []string{"2026-11-30T04:00:00-05:00"}, "2026-11-30T09:00:00Z", "2026-11-30T09:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Schedule{Built: built}
			for _, d := range tc.scheduled {
				s.Scheduled = append(s.Scheduled, at(d))
			}
			due, ok := Due(s, at(tc.now))
			switch {
			case tc.want == "" && ok:
				t.Errorf("got %s due, want nothing", due)
			case tc.want != "" && (!ok || !due.Equal(at(tc.want))):
				t.Errorf("got %s %v, want %s", due, ok, tc.want)
			}
		})
	}
}

func TestRun(t *testing.T) {
	var hooks atomic.Int32
	schedule := `{"built":"2026-11-29T10:00:00Z","scheduled":["2026-11-30T09:00:00Z"]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/schedule.json" && r.Method == http.MethodGet:
			w.Write([]byte(schedule))
		case r.URL.Path == "/hook" && r.Method == http.MethodPost:
			hooks.Add(1)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()

	msg, err := Run(ctx, srv.Client(), srv.URL+"/", srv.URL+"/hook", at("2026-11-30T08:00:00Z"))
	if err != nil || hooks.Load() != 0 || !strings.HasPrefix(msg, "nothing due") {
		t.Fatalf("before its time: got %q, %v, %d hooks; want nothing due and no hook", msg, err, hooks.Load())
	}
	msg, err = Run(ctx, srv.Client(), srv.URL, srv.URL+"/hook", at("2026-11-30T09:30:00Z"))
	if err != nil || hooks.Load() != 1 || !strings.Contains(msg, "build triggered") {
		t.Fatalf("after its time: got %q, %v, %d hooks; want one hook", msg, err, hooks.Load())
	}
	if _, err := Run(ctx, srv.Client(), srv.URL, srv.URL+"/nosuchhook", at("2026-11-30T09:30:00Z")); err == nil {
		t.Error("a failing hook: got no error")
	}
	if _, err := Run(ctx, srv.Client(), srv.URL, "", at("2026-11-30T09:30:00Z")); err == nil || !strings.Contains(err.Error(), "BUILD_HOOK_URL") {
		t.Errorf("no hook configured: got %v, want an error naming BUILD_HOOK_URL", err)
	}
	if _, err := Run(ctx, srv.Client(), srv.URL+"/missing", srv.URL+"/hook", at("2026-11-30T09:30:00Z")); err == nil {
		t.Error("no schedule file: got no error")
	}
}

func TestMarshal(t *testing.T) {
	data, err := Marshal(Schedule{Built: at("2026-11-29T10:00:00Z"), Scheduled: []time.Time{at("2026-12-02T00:00:00Z"), at("2026-12-01T00:00:00Z")}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"built":"2026-11-29T10:00:00Z","scheduled":["2026-12-01T00:00:00Z","2026-12-02T00:00:00Z"]}`
	if string(data) != want {
		t.Errorf("got %s, want %s", data, want)
	}
	empty, _ := Marshal(Schedule{Built: at("2026-11-29T10:00:00Z")})
	if !strings.Contains(string(empty), `"scheduled":[]`) {
		t.Errorf("got %s, want an empty list", empty)
	}
}
