package preview

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/cassidine/site/internal/build"
	"github.com/cassidine/site/internal/headers"
	"github.com/cassidine/site/internal/theme"
)

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct{ accept, want string }{
		{"", ""},
		{"identity", ""},
		{"gzip", "gzip"},
		{"br", "br"},
		{"gzip, deflate, br, zstd", "br"}, // Chromium's
		{"gzip;q=1.0, br;q=0.5", "br"},    // br whenever accepted, as Netlify
		{"br;q=0, gzip", "gzip"},
		{"BR;Q=0 , GZIP;q=0.8", "gzip"},
		{"br;q=0, gzip;q=0", ""},
		{"*", "br"},
		{"*;q=0", ""},
		{"gzip, *;q=0", "gzip"},
		{"x-gzip", "gzip"},
		{"deflate, zstd", ""},
	} {
		if got := negotiate(tc.accept); got != tc.want {
			t.Errorf("negotiate(%q): got %q, want %q", tc.accept, got, tc.want)
		}
	}
}

func TestCompressible(t *testing.T) {
	for ctype, want := range map[string]bool{
		"text/html; charset=utf-8":       true,
		"text/css; charset=utf-8":        true,
		"text/javascript; charset=utf-8": true,
		"application/javascript":         true,
		"image/svg+xml":                  true,
		"application/xml":                true,
		"text/xml; charset=utf-8":        true,
		"application/atom+xml":           true,
		"application/json":               true,
		"application/feed+json":          true,
		"text/plain; charset=utf-8":      true,
		"text/calendar; charset=utf-8":   true,
		"text/event-stream":              false,
		"image/png":                      false,
		"image/webp":                     false,
		"font/woff2":                     false,
		"application/octet-stream":       false,
		"":                               false,
	} {
		if got := compressible(ctype); got != want {
			t.Errorf("compressible(%q): got %v, want %v", ctype, got, want)
		}
	}
}

// testSite is a small site whose page, stylesheet, SVG and feed are large
// enough to compress, with a PNG and a robots.txt that must not be.
func testSite() fstest.MapFS {
	long := strings.Repeat("Operations that scale need a rhythm of decisions, owners and reviews. ", 40)
	return fstest.MapFS{
		"content/site.toml":         {Data: []byte("title = \"Test\"\nbaseURL = \"https://example.com/\"\n")},
		"content/_index.md":         {Data: []byte("---\ntitle: Home\n---\nHello.\n")},
		"content/articles/first.md": {Data: []byte("---\ntitle: First\ndate: 2026-01-01\ndescription: One.\ntags: [ops]\n---\nThe first body. " + long + "\n")},
		"layouts/base.html":         {Data: []byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{.Page.Title}}</title><link rel="stylesheet" href="{{asset "css/site.css"}}"></head><body><main>{{block "main" .}}{{end}}</main></body></html>`)},
		"layouts/home.html":         {Data: []byte(`{{define "main"}}<h1>{{.Page.Title}}</h1>{{.Page.Content}}{{end}}`)},
		"layouts/list.html":         {Data: []byte(`{{define "main"}}<h1>{{.Page.Title}}</h1>{{end}}`)},
		"layouts/tags.html":         {Data: []byte(`{{define "main"}}<h1>{{.Page.Title}}</h1>{{end}}`)},
		"layouts/404.html":          {Data: []byte(`{{define "main"}}<h1>Not found</h1><p>` + long + `</p>{{end}}`)},
		"layouts/page.html":         {Data: []byte(`{{define "main"}}<h1>{{.Page.Title}}</h1>{{.Page.Content}}{{end}}`)},
		"layouts/article.html":      {Data: []byte(`{{define "main"}}<article><h1>{{.Page.Title}}</h1>{{.Page.Content}}</article>{{end}}`)},
		"static/css/site.css":       {Data: []byte(strings.Repeat("body { margin: 0 auto; max-width: 40rem; color: #222 }\n.x { padding: 1rem }\n", 30))},
		"static/images/hero.svg":    {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">` + strings.Repeat(`<rect width="10" height="10" fill="#333"/>`, 40) + `</svg>`)},
		"static/images/photo.png":   {Data: append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 4000)...)},
	}
}

// newTestServer builds the test site into a session and serves it with
// api mounted at /api/. The returned MapFS is the sources: edit it and
// call rebuild.
func newTestServer(t testing.TB, api http.Handler) (*httptest.Server, *Server, fstest.MapFS) {
	t.Helper()
	src := testSite()
	sub := func(dir string) fstest.MapFS {
		m := fstest.MapFS{}
		for name, f := range src {
			if rest, ok := strings.CutPrefix(name, dir+"/"); ok {
				m[rest] = f
			}
		}
		return m
	}
	content, layouts, static := sub("content"), sub("layouts"), sub("static")
	session := build.NewSession(build.Options{Sources: theme.Sources{Content: content, Layouts: layouts, Static: static},
		Dev: true, Now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)})
	if _, err := session.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Session: session, API: api, Log: io.Discard, Errors: io.Discard, Keepalive: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts, s, content
}

// fetch sends a request with the given Accept-Encoding (and any other
// headers) from a client that never decodes, and returns the response
// with its raw body.
func fetch(t testing.TB, method, url, accept string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", accept)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 10 * time.Second}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// decode undoes a Content-Encoding.
func decode(t testing.TB, enc string, body []byte) []byte {
	t.Helper()
	var r io.Reader
	switch enc {
	case "":
		return body
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(bytes.NewReader(body))
	default:
		t.Fatalf("unexpected Content-Encoding %q", enc)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decoding %s: %v", enc, err)
	}
	return out
}

func varies(res *http.Response) bool {
	for _, v := range res.Header.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), "Accept-Encoding") {
				return true
			}
		}
	}
	return false
}

// jsonAPI is a stand-in for the function: a JSON answer of n bytes.
func jsonAPI(n int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		io.WriteString(w, `{"slots":"`+strings.Repeat("a", max(n-12, 0))+`"}`)
	})
}

// TestCompressionNegotiated: each encoding is chosen from Accept-Encoding,
// with Vary and a Content-Length that is the encoded body's, and every
// encoding decodes to the same bytes, for built files (HTML with the
// live-reload tag, CSS, SVG, XML) and for the function's responses.
func TestCompressionNegotiated(t *testing.T) {
	ts, _, _ := newTestServer(t, jsonAPI(5000))
	css := regexp.MustCompile(`/assets/site\.[0-9a-f]+\.css`)
	_, home := fetch(t, "GET", ts.URL+"/", "")
	cssURL := css.FindString(string(home))
	if cssURL == "" {
		t.Fatalf("home page links no fingerprinted stylesheet:\n%s", home)
	}
	for _, path := range []string{"/articles/first/", cssURL, "/images/hero.svg", "/feed.xml", "/api/slots", "/quiz/result/abc/", "/no-such-page/"} {
		t.Run(path, func(t *testing.T) {
			plain, want := fetch(t, "GET", ts.URL+path, "")
			if plain.Header.Get("Content-Encoding") != "" {
				t.Fatalf("no Accept-Encoding: got Content-Encoding %q", plain.Header.Get("Content-Encoding"))
			}
			if !varies(plain) {
				t.Errorf("no Accept-Encoding: Vary %q lacks Accept-Encoding", plain.Header.Values("Vary"))
			}
			for _, tc := range []struct{ accept, enc string }{
				{"gzip", "gzip"},
				{"br", "br"},
				{"gzip, deflate, br, zstd", "br"},
				{"br;q=0, gzip", "gzip"},
				{"identity", ""},
			} {
				res, body := fetch(t, "GET", ts.URL+path, tc.accept)
				if res.StatusCode != plain.StatusCode {
					t.Errorf("%q: status %d, want %d", tc.accept, res.StatusCode, plain.StatusCode)
				}
				if got := res.Header.Get("Content-Encoding"); got != tc.enc {
					t.Errorf("%q: got Content-Encoding %q, want %q", tc.accept, got, tc.enc)
					continue
				}
				if !varies(res) {
					t.Errorf("%q: Vary %q lacks Accept-Encoding", tc.accept, res.Header.Values("Vary"))
				}
				if cl := res.Header.Get("Content-Length"); cl != strconv.Itoa(len(body)) {
					t.Errorf("%q: Content-Length %q, body %d bytes", tc.accept, cl, len(body))
				}
				if tc.enc != "" && len(body) >= len(want) {
					t.Errorf("%q: %d bytes encoded, %d plain: not compressed", tc.accept, len(body), len(want))
				}
				if got := decode(t, tc.enc, body); !bytes.Equal(got, want) {
					t.Errorf("%q: decodes to %d bytes that differ from the plain %d", tc.accept, len(got), len(want))
				}
			}
		})
	}
}

// TestCompressionLeftAlone: images, tiny bodies, the event stream and
// responses the function encoded itself go out as they are.
func TestCompressionLeftAlone(t *testing.T) {
	pre := encode([]byte(strings.Repeat("already gzipped ", 200)), "gzip", 6)
	api := http.NewServeMux()
	api.Handle("GET /api/tiny", jsonAPI(100))
	api.HandleFunc("GET /api/gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(pre)
	})
	api.HandleFunc("GET /api/png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(bytes.Repeat([]byte{0}, 5000))
	})
	ts, _, _ := newTestServer(t, api)
	accept := "gzip, deflate, br, zstd"
	for _, tc := range []struct {
		path string
		body []byte // nil: not checked
	}{
		{"/images/photo.png", nil},
		{"/robots.txt", nil},
		{"/api/tiny", nil},
		{"/api/png", nil},
		{"/api/gz", pre},
	} {
		res, body := fetch(t, "GET", ts.URL+tc.path, accept)
		if res.StatusCode != 200 {
			t.Errorf("%s: status %d", tc.path, res.StatusCode)
		}
		switch enc := res.Header.Get("Content-Encoding"); {
		case tc.body != nil:
			if enc != "gzip" || !bytes.Equal(body, tc.body) {
				t.Errorf("%s: got %q and %d bytes, want the handler's own gzip body untouched", tc.path, enc, len(body))
			}
		case enc != "":
			t.Errorf("%s: got Content-Encoding %q, want none", tc.path, enc)
		}
		if tc.body == nil && varies(res) {
			t.Errorf("%s: Vary: Accept-Encoding on a body never compressed", tc.path)
		}
		if cl := res.Header.Get("Content-Length"); cl != strconv.Itoa(len(body)) {
			t.Errorf("%s: Content-Length %q, body %d bytes", tc.path, cl, len(body))
		}
	}
}

// TestEventStreamUntouched: the live-reload stream is neither compressed
// nor held back: its first event arrives while the stream is open.
func TestEventStreamUntouched(t *testing.T) {
	ts, _, _ := newTestServer(t, nil)
	req, _ := http.NewRequest("GET", ts.URL+"/_site/events", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := c.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct, enc := res.Header.Get("Content-Type"), res.Header.Get("Content-Encoding"); ct != "text/event-stream" || enc != "" {
		t.Fatalf("got Content-Type %q, Content-Encoding %q; want text/event-stream, none", ct, enc)
	}
	line, err := bufio.NewReader(res.Body).ReadString('\n')
	if err != nil || line != "retry: 500\n" {
		t.Fatalf("first line: got %q, %v", line, err)
	}
}

// TestCompressionRangeAndHead: a range request is answered from the
// plain bytes; HEAD carries GET's headers and no body.
func TestCompressionRangeAndHead(t *testing.T) {
	ts, _, _ := newTestServer(t, jsonAPI(5000))
	accept := "gzip, deflate, br, zstd"
	_, plain := fetch(t, "GET", ts.URL+"/articles/first/", "")
	res, body := fetch(t, "GET", ts.URL+"/articles/first/", accept, "Range", "bytes=10-109")
	if res.StatusCode != http.StatusPartialContent || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("range: got %d with Content-Encoding %q, want 206 unencoded", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	if !bytes.Equal(body, plain[10:110]) {
		t.Errorf("range: got %q, want %q", body, plain[10:110])
	}
	if cr := res.Header.Get("Content-Range"); cr != "bytes 10-109/"+strconv.Itoa(len(plain)) {
		t.Errorf("range: Content-Range %q", cr)
	}

	for _, path := range []string{"/articles/first/", "/images/photo.png", "/api/slots"} {
		get, getBody := fetch(t, "GET", ts.URL+path, accept)
		head, headBody := fetch(t, "HEAD", ts.URL+path, accept)
		if len(headBody) != 0 || head.StatusCode != get.StatusCode {
			t.Errorf("HEAD %s: %d with %d bytes, want %d and none", path, head.StatusCode, len(headBody), get.StatusCode)
		}
		if path == "/api/slots" {
			continue // the function's HEAD answers are its own
		}
		for _, k := range []string{"Content-Encoding", "Content-Length", "Content-Type", "Vary", "Cache-Control"} {
			if head.Header.Get(k) != get.Header.Get(k) {
				t.Errorf("HEAD %s: %s %q, GET has %q", path, k, head.Header.Get(k), get.Header.Get(k))
			}
		}
		if get.Header.Get("Content-Length") != strconv.Itoa(len(getBody)) {
			t.Errorf("GET %s: Content-Length %q, body %d bytes", path, get.Header.Get("Content-Length"), len(getBody))
		}
	}
}

// TestCompressedCacheFollowsRebuilds: a page's compressed bytes are made
// once and replaced when a rebuild changes the page; the live-reload
// script stays in every encoding, and caching follows _headers.
func TestCompressedCacheFollowsRebuilds(t *testing.T) {
	ts, s, content := newTestServer(t, nil)
	res, body := fetch(t, "GET", ts.URL+"/articles/first/", "br")
	page := decode(t, "br", body)
	if !bytes.Contains(page, s.reloadTag) || !bytes.Contains(page, []byte("The first body.")) {
		t.Fatalf("served page lacks the reload tag or the body:\n%s", page)
	}
	if cc := res.Header.Get("Cache-Control"); cc != headers.CacheRevalidate {
		t.Errorf("page: Cache-Control %q, want %q", cc, headers.CacheRevalidate)
	}
	_, again := fetch(t, "GET", ts.URL+"/articles/first/", "br")
	if &again[0] == &body[0] || !bytes.Equal(again, body) {
		t.Error("a second request got different bytes")
	}
	src, _ := s.cfg.Session.File("articles/first/index.html")
	if cached := s.encoded.get("articles/first/index.html", src, nil, "br"); !bytes.Equal(cached, body) {
		t.Error("the page's brotli bytes are not the cached ones")
	}

	content["articles/first.md"] = &fstest.MapFile{Data: []byte("---\ntitle: First\ndate: 2026-01-01\ndescription: One.\ntags: [ops]\n---\nThe edited body. " + strings.Repeat("More words. ", 200) + "\n")}
	u, err := s.cfg.Session.Apply(context.Background(), []build.Change{{Root: build.RootContent, Path: "articles/first.md"}})
	if err != nil {
		t.Fatal(err)
	}
	s.Rebuilt(u, nil)
	for _, enc := range []string{"br", "gzip", ""} {
		res, body := fetch(t, "GET", ts.URL+"/articles/first/", enc)
		page := decode(t, res.Header.Get("Content-Encoding"), body)
		if !bytes.Contains(page, []byte("The edited body.")) || !bytes.Contains(page, s.reloadTag) {
			t.Errorf("%q after the edit: the page is stale or lacks the reload tag", enc)
		}
	}

	// The stylesheet: immutable, as _headers says for /assets/*.
	css := regexp.MustCompile(`/assets/site\.[0-9a-f]+\.css`).FindString(string(page))
	res, _ = fetch(t, "GET", ts.URL+css, "br")
	if cc := res.Header.Get("Cache-Control"); cc != headers.CacheImmutable {
		t.Errorf("%s: Cache-Control %q, want %q", css, cc, headers.CacheImmutable)
	}
	// The reload script, by the version the tag names: immutable too.
	src2 := regexp.MustCompile(`src="([^"]+)"`).FindSubmatch(s.reloadTag)[1]
	res, body = fetch(t, "GET", ts.URL+string(src2), "br")
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != headers.CacheImmutable ||
		!bytes.Contains(decode(t, res.Header.Get("Content-Encoding"), body), []byte("EventSource")) {
		t.Errorf("%s: got %d, Cache-Control %q", src2, res.StatusCode, res.Header.Get("Cache-Control"))
	}
	if res, _ := fetch(t, "GET", ts.URL+"/_site/reload.js", ""); res.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("/_site/reload.js without its version: Cache-Control %q, want no-cache", res.Header.Get("Cache-Control"))
	}
}

// TestCompressStreamed: a function response that flushes streams, and
// still decodes to what was written.
func TestCompressStreamed(t *testing.T) {
	release := make(chan struct{})
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "first part\n")
		w.(http.Flusher).Flush()
		<-release
		io.WriteString(w, strings.Repeat("second part\n", 100))
	})
	ts, _, _ := newTestServer(t, api)
	req, _ := http.NewRequest("GET", ts.URL+"/api/stream", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 10 * time.Second}
	res, err := c.Do(req)
	if err != nil {
		close(release)
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Content-Length") != "" || !varies(res) {
		close(release)
		t.Fatalf("got Content-Encoding %q, Content-Length %q, Vary %q", res.Header.Get("Content-Encoding"), res.Header.Get("Content-Length"), res.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		close(release)
		t.Fatal(err)
	}
	line, err := bufio.NewReader(zr).ReadString('\n')
	close(release) // the first part arrived before the handler went on
	if err != nil || line != "first part\n" {
		t.Fatalf("first line: got %q, %v", line, err)
	}
}
