package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// copyTree copies the folder src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, name, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// lineWriter hands each line written to a channel.
type lineWriter struct{ ch chan string }

func (w lineWriter) Write(p []byte) (int, error) {
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		select {
		case w.ch <- l:
		default:
		}
	}
	return len(p), nil
}

// eventStream reads server-sent events from the dev server.
type eventStream struct {
	t  *testing.T
	ch chan [2]string // name, data
}

func openEvents(t *testing.T, base string) *eventStream {
	t.Helper()
	resp, err := http.Get(base + "_site/events")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events: got Content-Type %q", ct)
	}
	es := &eventStream{t: t, ch: make(chan [2]string, 16)}
	go func() {
		sc := bufio.NewScanner(resp.Body)
		var name, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				if data != "" {
					data += "\n"
				}
				data += strings.TrimPrefix(line, "data: ")
			case line == "" && name != "":
				es.ch <- [2]string{name, data}
				name, data = "", ""
			}
		}
	}()
	return es
}

func (es *eventStream) next(want string) string {
	es.t.Helper()
	select {
	case ev := <-es.ch:
		if ev[0] != want {
			es.t.Fatalf("got event %q (%s), want %q", ev[0], ev[1], want)
		}
		return ev[1]
	case <-time.After(10 * time.Second):
		es.t.Fatalf("no %q event within 10s", want)
	}
	return ""
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// startServe runs "site serve" on a free port in a copy of the test site
// and returns its URL; the server stops when the test ends.
func startServe(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	copyTree(t, filepath.Join("testdata", "site"), dir)
	writeFile(t, filepath.Join(dir, "content/site.toml"), "title = \"Serve\"\nbaseURL = \"https://example.com/\"\n")
	writeFile(t, filepath.Join(dir, "content/_index.md"), "---\ntitle: Home\n---\nHello.\n")
	writeFile(t, filepath.Join(dir, "content/articles/first.md"), "---\ntitle: First\ndate: 2026-01-01\ndescription: One.\n---\nThe first body.\n")
	writeFile(t, filepath.Join(dir, "content/articles/second.md"), "---\ntitle: Second\ndate: 2026-01-02\ndescription: Two.\n---\nSee [first](/articles/first/).\n")
	t.Chdir(dir)

	ctx, cancel := context.WithCancel(context.Background())
	out := lineWriter{make(chan string, 64)}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0"}, func(string) string { return "" }, strings.NewReader(""), out, out)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("serve did not stop within 5s of its context ending")
		}
	})
	urlRE := regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+/)`)
	for {
		select {
		case line := <-out.ch:
			if m := urlRE.FindStringSubmatch(line); m != nil {
				return m[1]
			}
		case err := <-done:
			t.Fatalf("serve exited: %v", err)
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not print its URL within 10s")
		}
	}
}

// TestServeLoop edits, breaks, fixes and deletes sources under a running
// site serve and checks what a browser would see at each step.
func TestServeLoop(t *testing.T) {
	base := startServe(t)
	code, page := get(t, base+"articles/first/")
	if code != 200 || !strings.Contains(page, "The first body.") {
		t.Fatalf("first page: got %d %q", code, page)
	}
	tag := regexp.MustCompile(`<script src="(/_site/reload\.js\?v=[0-9a-f]{10})" defer></script></head>`).FindStringSubmatch(page)
	if tag == nil {
		t.Fatal("served page lacks the live-reload script")
	}
	if code, js := get(t, base+tag[1][1:]); code != 200 || !strings.Contains(js, "EventSource") {
		t.Errorf("reload.js: got %d", code)
	}
	events := openEvents(t, base)

	// Edit the body: a reload event, then the new content.
	writeFile(t, "content/articles/first.md", "---\ntitle: First\ndate: 2026-01-01\ndescription: One.\n---\nThe edited body.\n")
	events.next("reload")
	if _, page := get(t, base+"articles/first/"); !strings.Contains(page, "The edited body.") {
		t.Error("after the edit, the page does not show it")
	}

	// Break the front matter: an error event naming file:line; the last
	// good page is still served.
	writeFile(t, "content/articles/first.md", "---\ntitle: [unclosed\ndate: 2026-01-01\n---\nBroken.\n")
	msg := events.next("builderror")
	if !strings.Contains(msg, "content/articles/first.md:") || !strings.Contains(msg, "invalid YAML") {
		t.Errorf("error event: got %q, want the file:line of the bad YAML", msg)
	}
	if code, page := get(t, base+"articles/first/"); code != 200 || !strings.Contains(page, "The edited body.") {
		t.Errorf("during the error: got %d, want the last good page", code)
	}
	// A page opened now gets the error at once.
	late := openEvents(t, base)
	if msg := late.next("builderror"); !strings.Contains(msg, "content/articles/first.md:") {
		t.Errorf("a new page's first event: got %q", msg)
	}

	// Fix it: a reload, the fixed content.
	writeFile(t, "content/articles/first.md", "---\ntitle: First again\ndate: 2026-01-01\ndescription: One.\n---\nFixed body.\n")
	events.next("reload")
	if _, page := get(t, base+"articles/"); !strings.Contains(page, "First again") {
		t.Error("the list does not show the new title")
	}

	// A new folder and a file in it: picked up without a restart.
	writeFile(t, "content/articles/2026/ignored.txt", "not content")
	writeFile(t, "content/articles/third.md", "---\ntitle: Third\ndate: 2026-01-03\ndescription: Three.\n---\nThird.\n")
	events.next("reload")
	if code, _ := get(t, base+"articles/third/"); code != 200 {
		t.Errorf("new article: got %d", code)
	}

	// Delete a file: its page is gone (the 404 page, with status 404).
	if err := os.Remove("content/articles/third.md"); err != nil {
		t.Fatal(err)
	}
	events.next("reload")
	if code, page := get(t, base+"articles/third/"); code != 404 || !strings.Contains(page, "Page not found") {
		t.Errorf("deleted article: got %d, want the 404 page", code)
	}

	// A CSS edit swaps the stylesheet without a reload.
	writeFile(t, "static/css/site.css", "body { color: #123456; }\n")
	data := events.next("css")
	if !regexp.MustCompile(`^\["/assets/site\.[0-9a-f]{10}\.css"\]$`).MatchString(data) {
		t.Errorf("css event: got %q", data)
	}
}

// TestServeLikeNetlify checks headers, redirects and 404s against the
// generated _headers and _redirects.
func TestServeLikeNetlify(t *testing.T) {
	base := startServe(t)
	resp, err := http.Get(base + "articles/first/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, h := range []string{"Content-Security-Policy", "Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("page lacks %s", h)
		}
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]string{
		"articles/first":      "/articles/first/",
		"articles/page/1/":    "/articles/",
		"tags/nosuch/page/1/": "",
	} {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Location"); got != want {
			t.Errorf("%s: got Location %q (status %d), want %q", path, got, resp.StatusCode, want)
		}
	}
	if code, _ := get(t, base+"api/quiz"); code != 404 {
		t.Errorf("/api/ before the function exists: got %d, want 404", code)
	}
}
