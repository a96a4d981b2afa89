package linkcheck

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	var hits, inFlight, peak atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(20 * time.Millisecond)
		switch r.URL.Path {
		case "/ok":
		case "/gone":
			w.WriteHeader(http.StatusNotFound)
		case "/nohead":
			if r.Method == http.MethodHead {
				w.WriteHeader(http.StatusMethodNotAllowed)
			}
		case "/slow":
			time.Sleep(time.Second)
		}
	}))
	defer srv.Close()
	links := []Link{
		{srv.URL + "/ok", "a.md", 1},
		{srv.URL + "/gone", "a.md", 2},
		{srv.URL + "/nohead", "b.md", 3},
		{srv.URL + "/gone", "b.md", 4}, // the same URL: one request, two problems
		{srv.URL + "/slow", "b.md", 5},
		{"http://127.0.0.1:1/refused", "c.md", 6},
	}
	for i := range 6 {
		links = append(links, Link{srv.URL + "/ok?" + string(rune('a'+i)), "d.md", 10 + i})
	}
	client := &http.Client{Timeout: 300 * time.Millisecond}
	got := Check(context.Background(), client, links, 3)
	want := []struct {
		file string
		line int
	}{{"a.md", 2}, {"b.md", 4}, {"b.md", 5}, {"c.md", 6}}
	if len(got) != len(want) {
		t.Fatalf("got %d problems %v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		if got[i].File != w.file || got[i].Line != w.line {
			t.Errorf("problem %d: got %s:%d, want %s:%d", i, got[i].File, got[i].Line, w.file, w.line)
		}
	}
	if got[0].Reason != "HTTP 404 Not Found" {
		t.Errorf("got reason %q, want HTTP 404 Not Found", got[0].Reason)
	}
	if got[0].String() != "a.md:2: external link "+srv.URL+"/gone: HTTP 404 Not Found" {
		t.Errorf("got %q", got[0].String())
	}
	if p := peak.Load(); p > 3 {
		t.Errorf("got %d requests in flight at once, want at most 3", p)
	}
	// ok, gone, nohead (HEAD + GET), slow, and the 6 distinct ?queries.
	if h := hits.Load(); h != 11 {
		t.Errorf("got %d requests, want 11 (each URL once, GET after a refused HEAD)", h)
	}
}
