package preview

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
)

// Compression as Netlify's CDN does it: text responses (HTML, CSS, JS,
// SVG, XML, JSON, plain text) go out as brotli when the request accepts
// it, else gzip, else as they are, with Vary: Accept-Encoding either way.
// Images and other already-compressed types, bodies under
// minCompressSize, the live-reload event stream, HEAD and range requests
// of the function, and responses that already carry a Content-Encoding are
// left alone. A range request of a file is answered from the
// uncompressed bytes.

// minCompressSize is the smallest body worth compressing: below it the
// saving is a few hundred bytes at most, inside one packet anyway.
const minCompressSize = 1024

// Compression levels: a built file is compressed once per rebuild, so it
// gets the smallest output; the function's responses are compressed on
// every request, so they get a fast level.
const (
	brotliStatic  = brotli.BestCompression
	gzipStatic    = gzip.BestCompression
	brotliDynamic = 5
	gzipDynamic   = gzip.DefaultCompression
)

// negotiate picks the response's encoding from an Accept-Encoding header:
// "br" whenever brotli is acceptable, else "gzip", else "" (identity).
// A coding is acceptable when named (or matched by "*") with a q above 0.
func negotiate(accept string) string {
	q := map[string]float64{}
	for part := range strings.SplitSeq(accept, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		v := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
					v = f
				}
			}
		}
		q[name] = v
	}
	ok := func(names ...string) bool {
		for _, n := range names {
			if v, named := q[n]; named {
				return v > 0
			}
		}
		v, any := q["*"]
		return any && v > 0
	}
	switch {
	case ok("br"):
		return "br"
	case ok("gzip", "x-gzip"):
		return "gzip"
	}
	return ""
}

// compressible reports whether a Content-Type is text that compresses:
// never the event stream, which must reach the page event by event.
func compressible(ctype string) bool {
	mt, _, _ := strings.Cut(ctype, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch {
	case mt == "text/event-stream":
		return false
	case strings.HasPrefix(mt, "text/"), strings.HasSuffix(mt, "+xml"), strings.HasSuffix(mt, "+json"):
		return true
	}
	switch mt {
	case "application/javascript", "application/x-javascript", "application/ecmascript",
		"application/json", "application/xml", "application/wasm":
		return true
	}
	return false
}

// addVary adds Accept-Encoding to h's Vary header unless it is there.
func addVary(h http.Header) {
	for _, v := range h.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f == "*" || strings.EqualFold(f, "Accept-Encoding") {
				return
			}
		}
	}
	h.Add("Vary", "Accept-Encoding")
}

// encode compresses data with enc at the given level.
func encode(data []byte, enc string, level int) []byte {
	var buf bytes.Buffer
	buf.Grow(len(data)/3 + 64)
	zw := newEncoder(&buf, enc, level)
	zw.Write(data) // writes to a bytes.Buffer do not fail
	zw.Close()
	return buf.Bytes()
}

// flushWriter is a compressor that can push out what it holds.
type flushWriter interface {
	io.WriteCloser
	Flush() error
}

func newEncoder(w io.Writer, enc string, level int) flushWriter {
	if enc == "br" {
		return brotli.NewWriterLevel(w, level)
	}
	zw, err := gzip.NewWriterLevel(w, level)
	if err != nil {
		panic(err) // only for a level out of range: the constants above
	}
	return zw
}

// encodedCache keeps the served bytes of each file in each encoding, made
// on a file's first request after a rebuild and kept while the session
// holds the same bytes for it, so a page is compressed once per rebuild
// rather than on every request.
type encodedCache struct {
	mu sync.Mutex
	m  map[string]*encoded
}

// encoded is one file's bytes as served: identity ("") and compressed.
type encoded struct {
	src    []byte            // the session's bytes they were made from
	bodies map[string][]byte // encoding → body
}

// sameBytes reports whether a and b are the same slice of memory (the
// session replaces a file's slice when it rewrites the file).
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// get returns the body served for key in encoding enc ("" for identity):
// transform(src) (nil: src itself), compressed with enc.
func (c *encodedCache) get(key string, src []byte, transform func([]byte) []byte, enc string) []byte {
	c.mu.Lock()
	e := c.m[key]
	if e != nil && sameBytes(e.src, src) {
		if body, ok := e.bodies[enc]; ok {
			c.mu.Unlock()
			return body
		}
	}
	c.mu.Unlock()

	// Made outside the lock: two first requests may both compress, which
	// costs a little time and never a wrong answer.
	body := src
	if transform != nil {
		body = transform(src)
	}
	if enc != "" {
		body = encode(body, enc, map[string]int{"br": brotliStatic, "gzip": gzipStatic}[enc])
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*encoded{}
	}
	e = c.m[key]
	if e == nil || !sameBytes(e.src, src) {
		e = &encoded{src: src, bodies: map[string][]byte{}}
		c.m[key] = e
	}
	e.bodies[enc] = body
	return body
}

// forget drops the cached bodies of keys (files a rebuild removed).
func (c *encodedCache) forget(keys []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		delete(c.m, k)
	}
}

// serveBody answers r with the file key, whose bytes in the session are
// src, served as transform(src). The response's headers, Content-Type
// among them, are already set. A compressible body large enough goes out
// in the encoding r accepts, from the cache; a request for a range, and
// any 200 answered as it is, goes through http.ServeContent, which
// answers ranges, conditional requests and HEAD.
func (s *Server) serveBody(w http.ResponseWriter, r *http.Request, key string, src []byte, transform func([]byte) []byte, status int) {
	h := w.Header()
	enc := ""
	if compressible(h.Get("Content-Type")) && len(src) >= minCompressSize {
		addVary(h)
		if r.Header.Get("Range") == "" {
			enc = negotiate(r.Header.Get("Accept-Encoding"))
		}
	}
	body := s.encoded.get(key, src, transform, enc)
	if enc == "" && status == http.StatusOK {
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
		return
	}
	if enc != "" {
		h.Set("Content-Encoding", enc)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// compressResponses compresses h's responses on the fly (the function's:
// small pages and JSON). A response is held until h returns, then sent
// whole with its Content-Length; one that h flushes is streamed instead,
// compressed if it is compressible, with no Content-Length. HEAD and range
// requests pass through untouched, so their headers stay h's own.
func compressResponses(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead || r.Header.Get("Range") != "" {
			h.ServeHTTP(w, r)
			return
		}
		cw := &compressWriter{w: w, enc: negotiate(r.Header.Get("Accept-Encoding"))}
		h.ServeHTTP(cw, r)
		cw.finish()
	})
}

// compressWriter holds a response until it can choose its encoding.
type compressWriter struct {
	w       http.ResponseWriter
	enc     string // what the request accepts: "br", "gzip" or ""
	status  int
	buf     []byte
	started bool        // the header is sent
	zw      flushWriter // the compressor of a streamed response
}

func (c *compressWriter) Header() http.Header { return c.w.Header() }

// Unwrap lets http.ResponseController reach the connection (deadlines).
func (c *compressWriter) Unwrap() http.ResponseWriter { return c.w }

func (c *compressWriter) WriteHeader(code int) {
	switch {
	case code >= 100 && code < 200 && code != http.StatusSwitchingProtocols:
		c.w.WriteHeader(code) // informational: passes at once
	case c.status == 0:
		c.status = code
	}
}

func (c *compressWriter) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	if !c.started {
		c.buf = append(c.buf, p...)
		return len(p), nil
	}
	if c.zw != nil {
		return c.zw.Write(p)
	}
	return c.w.Write(p)
}

// Flush sends what is held and streams the rest of the response.
func (c *compressWriter) Flush() {
	if !c.started {
		c.start(true)
	}
	if c.zw != nil {
		c.zw.Flush()
	}
	http.NewResponseController(c.w).Flush()
}

// eligible reports whether the response may be compressed at all.
func (c *compressWriter) eligible() bool {
	h := c.w.Header()
	return c.status >= 200 && c.status != http.StatusNoContent && c.status != http.StatusNotModified &&
		h.Get("Content-Encoding") == "" && compressible(h.Get("Content-Type")) &&
		!strings.Contains(h.Get("Cache-Control"), "no-transform")
}

// start sends the header and what is held: compressed when the response
// is eligible, the request accepts an encoding and the body is large
// enough (a streamed body's size is not known: it counts as large).
func (c *compressWriter) start(streaming bool) {
	c.started = true
	if c.status == 0 {
		c.status = http.StatusOK
	}
	h := c.w.Header()
	compress := false
	if c.eligible() && (streaming || len(c.buf) >= minCompressSize) {
		addVary(h)
		compress = c.enc != ""
	}
	if !compress {
		if !streaming && h.Get("Content-Length") == "" && bodyAllowed(c.status) {
			h.Set("Content-Length", strconv.Itoa(len(c.buf)))
		}
		c.w.WriteHeader(c.status)
		c.w.Write(c.buf)
		c.buf = nil
		return
	}
	h.Set("Content-Encoding", c.enc)
	h.Del("Content-Length")
	h.Del("Accept-Ranges")
	if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
		h.Set("ETag", "W/"+et) // no longer the same bytes
	}
	level := map[string]int{"br": brotliDynamic, "gzip": gzipDynamic}[c.enc]
	if streaming {
		c.w.WriteHeader(c.status)
		c.zw = newEncoder(c.w, c.enc, level)
		c.zw.Write(c.buf)
	} else {
		body := encode(c.buf, c.enc, level)
		h.Set("Content-Length", strconv.Itoa(len(body)))
		c.w.WriteHeader(c.status)
		c.w.Write(body)
	}
	c.buf = nil
}

// finish sends a held response, or ends a streamed one.
func (c *compressWriter) finish() {
	if !c.started {
		if c.status == 0 && len(c.buf) == 0 {
			return // the handler wrote nothing: the server answers 200, empty
		}
		c.start(false)
		return
	}
	if c.zw != nil {
		c.zw.Close()
	}
}

// bodyAllowed reports whether a response with status may have a body.
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}
