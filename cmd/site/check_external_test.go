package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// linkServer answers the external links of the tests, so that site check
// -external never touches the network: /ok answers 200, /gone 404, and
// /nohead refuses HEAD (405) but answers GET with 200. It records every
// request as "METHOD /path".
type linkServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []string
}

func newLinkServer(t *testing.T) *linkServer {
	t.Helper()
	s := &linkServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r.Method+" "+r.URL.Path)
		s.mu.Unlock()
		switch {
		case r.URL.Path == "/ok":
			w.WriteHeader(http.StatusOK)
		case r.URL.Path == "/nohead" && r.Method == http.MethodHead:
			w.WriteHeader(http.StatusMethodNotAllowed)
		case r.URL.Path == "/nohead":
			w.WriteHeader(http.StatusOK)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// requests returns the requests received so far, sorted.
func (s *linkServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(slices.Values(s.reqs))
}

// externalSite writes a small site into a temporary folder with the given
// article as content/articles/x.md, and makes that folder the current one.
func externalSite(t *testing.T, article string) {
	t.Helper()
	dir := t.TempDir()
	copyTree(t, filepath.Join("testdata", "site"), dir)
	writeFile(t, filepath.Join(dir, "content/site.toml"), "title = \"External\"\nbaseURL = \"https://example.com/\"\n")
	writeFile(t, filepath.Join(dir, "content/_index.md"), "---\ntitle: Home\ndescription: The home page.\n---\n\nRead [x](/articles/x/).\n")
	writeFile(t, filepath.Join(dir, "content/articles/x.md"), article)
	t.Chdir(dir)
}

func siteCheck(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"check"}, args...), func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestCheckExternalReportsDeadLinks(t *testing.T) {
	srv := newLinkServer(t)
	u := srv.URL
	externalSite(t, "---\n"+ // 1
		"title: X\n"+ // 2
		"date: 2026-01-05\n"+ // 3
		"description: Links elsewhere.\n"+ // 4
		"---\n"+ // 5
		"\n"+ // 6
		"A link that answers: [ok]("+u+"/ok).\n"+ // 7
		"One that is gone: [gone]("+u+"/gone).\n"+ // 8
		"One that refuses HEAD but answers GET: [nohead]("+u+"/nohead).\n"+ // 9
		"\n"+ // 10
		"The gone one again, [here]("+u+"/gone).\n") // 11

	// Without -external nothing is requested.
	stdout, stderr, err := siteCheck(t)
	if err != nil {
		t.Fatalf("site check: %v\nstderr:\n%s", err, stderr)
	}
	if want := "checked 5 pages: no problems\n"; stdout != want {
		t.Errorf("site check stdout = %q, want %q", stdout, want)
	}
	if got := srv.requests(); len(got) != 0 {
		t.Errorf("site check without -external made requests: %q", got)
	}

	stdout, stderr, err = siteCheck(t, "-external")
	if err == nil {
		t.Fatalf("site check -external succeeded; want an error for %s/gone\nstdout:\n%s", u, stdout)
	}
	if want := "check failed: 2 of 4 external links do not answer"; err.Error() != want {
		t.Errorf("site check -external error = %q, want %q", err, want)
	}
	if stdout != "" {
		t.Errorf("site check -external stdout = %q, want nothing", stdout)
	}
	// Every link to the dead URL, at its line, in the order written.
	want := "content/articles/x.md:8: external link " + u + "/gone: HTTP 404 Not Found\n" +
		"content/articles/x.md:11: external link " + u + "/gone: HTTP 404 Not Found\n"
	if stderr != want {
		t.Errorf("site check -external stderr:\n%s\nwant:\n%s", stderr, want)
	}
	for _, ok := range []string{"/ok", "/nohead"} {
		if strings.Contains(stderr, u+ok+":") || strings.Contains(stderr, u+ok+" ") {
			t.Errorf("site check -external reported %s, which answers", ok)
		}
	}
	// Each distinct URL once; HEAD first and GET only where HEAD is refused.
	wantReqs := []string{"GET /nohead", "HEAD /gone", "HEAD /nohead", "HEAD /ok"}
	if got := srv.requests(); !slices.Equal(got, wantReqs) {
		t.Errorf("requests = %q, want %q", got, wantReqs)
	}
}

func TestCheckExternalAllAnswer(t *testing.T) {
	srv := newLinkServer(t)
	u := srv.URL
	externalSite(t, "---\ntitle: X\ndate: 2026-01-05\ndescription: Links elsewhere.\n---\n\n"+
		"Links that answer: [ok]("+u+"/ok) and [nohead]("+u+"/nohead).\n")

	stdout, stderr, err := siteCheck(t, "-external")
	if err != nil {
		t.Fatalf("site check -external: %v\nstderr:\n%s", err, stderr)
	}
	if want := "checked 5 pages, 2 external links answer: no problems\n"; stdout != want {
		t.Errorf("site check -external stdout = %q, want %q", stdout, want)
	}
	if stderr != "" {
		t.Errorf("site check -external stderr = %q, want nothing", stderr)
	}
}
