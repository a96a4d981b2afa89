// Package preview is the engine of site serve: it serves a build.Session
// the way Netlify serves the built site (its _headers and _redirects, the
// 404 page, brotli or gzip for text, the function under /api/), watches
// the source folders, updates the session after each save and tells open
// pages to reload.
package preview

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/cassidine/site/internal/build"
	"github.com/cassidine/site/internal/headers"
	"github.com/cassidine/site/internal/netlify"
)

//go:embed client
var client embed.FS

// reloadPath is the live-reload script, injected into every HTML page
// served, never into a build.
const reloadPath = "/_site/reload.js"

// Config is what a Server needs.
type Config struct {
	Session *build.Session
	// Dirs maps each source root (build.RootContent, ...) to its folder.
	Dirs map[string]string
	// API is the function's handler, mounted at /api/ and at
	// /.netlify/functions/api/ as on Netlify; nil serves a 404 there.
	API http.Handler
	// Log gets one line per rebuild; Errors gets the problems of failed ones.
	Log, Errors io.Writer
	// Debounce is how long the folders must be quiet before a rebuild.
	Debounce time.Duration
	// AfterRebuild, if set, runs after each successful rebuild (serve
	// reloads the function's layouts with it).
	AfterRebuild func()
	// Keepalive is how often an idle event stream sends a comment
	// (default 15s).
	Keepalive time.Duration
}

// Server serves and updates a site in memory.
type Server struct {
	cfg     Config
	events  *broker
	handler http.Handler

	// clientFiles are the dev server's own files (/_site/NAME), and
	// reloadTag the script tag that loads reload.js by its version.
	clientFiles map[string][]byte
	reloadTag   []byte
	// encoded caches the files served, compressed, per rebuild.
	encoded encodedCache

	mu        sync.RWMutex
	headers   []netlify.HeaderRule
	redirects []netlify.Redirect
	lastErr   string // problems of the last rebuild, "" after a good one
}

// New returns a Server for a session that has been built once.
func New(cfg Config) (*Server, error) {
	if cfg.Debounce == 0 {
		cfg.Debounce = 10 * time.Millisecond
	}
	s := &Server{cfg: cfg, events: newBroker(), clientFiles: map[string][]byte{}}
	files, _ := fs.ReadDir(client, "client")
	for _, f := range files {
		data, err := fs.ReadFile(client, "client/"+f.Name())
		if err != nil {
			return nil, err
		}
		s.clientFiles[f.Name()] = data
	}
	s.reloadTag = []byte(`<script src="` + reloadPath + "?v=" + version(s.clientFiles[path.Base(reloadPath)]) + `" defer></script>`)
	if err := s.loadRules(); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	return s, nil
}

// loadRules re-reads _headers and _redirects from the session.
func (s *Server) loadRules() error {
	hdata, _ := s.cfg.Session.File("_headers")
	rdata, _ := s.cfg.Session.File("_redirects")
	h, err := netlify.ParseHeaders(hdata)
	if err != nil {
		return err
	}
	r, err := netlify.ParseRedirects(rdata)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.headers, s.redirects = h, r
	s.mu.Unlock()
	return nil
}

// Handler serves the dev server's own endpoints, the function and the site.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_site/events", s.serveEvents)
	mux.HandleFunc("GET /_site/{file}", s.serveClient)
	api := s.cfg.API
	if api == nil {
		api = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "the site's function is not built yet", http.StatusNotFound)
		})
	}
	fn := s.withHeaders(compressResponses(api))
	mux.Handle("/api/", fn)
	mux.Handle("/.netlify/functions/api/", fn)
	mux.HandleFunc("/", s.serveSite)
	return mux
}

// withHeaders applies the _headers rules to the function's responses too;
// the function sets its own security headers, which take precedence.
func (s *Server) withHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.RLock()
		netlify.ApplyHeaders(s.headers, r.URL.Path, w.Header())
		s.mu.RUnlock()
		w.Header().Del("Cache-Control")
		h.ServeHTTP(w, r)
	})
}

// serveSite serves a built file, following Netlify's order: an existing
// file, then _redirects, then 404.html.
func (s *Server) serveSite(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	if name, ok := s.lookup(p); ok {
		s.serveFile(w, r, name, http.StatusOK)
		return
	}
	if !strings.HasSuffix(p, "/") && path.Ext(p) == "" {
		if _, ok := s.lookup(p + "/"); ok { // pretty URLs, as Netlify
			http.Redirect(w, r, p+"/", http.StatusMovedPermanently)
			return
		}
	}
	s.mu.RLock()
	rule, to, ok := netlify.Resolve(s.redirects, r.URL, func(p string) bool { _, ok := s.lookup(p); return ok })
	s.mu.RUnlock()
	if ok {
		switch rule.Status {
		case http.StatusOK: // rewrite
			r2 := r.Clone(r.Context())
			r2.URL.Path, r2.URL.RawQuery, _ = strings.Cut(to, "?")
			r2.URL.RawPath = ""
			s.handler.ServeHTTP(w, r2)
		case http.StatusNotFound:
			s.serveFile(w, r, outputName(to), http.StatusNotFound)
		default:
			http.Redirect(w, r, to, rule.Status)
		}
		return
	}
	s.serveFile(w, r, "404.html", http.StatusNotFound)
}

// lookup maps a URL path to the output that serves it.
func (s *Server) lookup(p string) (string, bool) {
	name := outputName(p)
	_, ok := s.cfg.Session.File(name)
	return name, ok
}

// outputName maps a URL path to an output name: "/x/" → "x/index.html".
// "/x" maps to "x", which is not a page, so it redirects to "/x/".
func outputName(p string) string {
	slash := strings.HasSuffix(p, "/")
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" || slash {
		return strings.TrimPrefix(p+"/index.html", "/")
	}
	return p
}

// serveFile serves an output of the session with the _headers rules of
// r's path, compressed as r accepts (serveBody).
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, name string, status int) {
	data, ok := s.cfg.Session.File(name)
	if !ok {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	ctype := contentType(name)
	var transform func([]byte) []byte
	if strings.HasPrefix(ctype, "text/html") {
		transform = s.injectReload
	}
	h := w.Header()
	s.mu.RLock()
	netlify.ApplyHeaders(s.headers, r.URL.Path, h)
	s.mu.RUnlock()
	h.Set("Content-Type", ctype)
	s.serveBody(w, r, name, data, transform, status)
}

// serveClient serves the dev server's own files. A request naming the
// file's current version (?v=, as the injected tag does) may be cached
// for good: a new version is a new URL.
func (s *Server) serveClient(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	data, ok := s.clientFiles[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType(name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	if r.URL.Query().Get("v") == version(data) {
		h.Set("Cache-Control", headers.CacheImmutable)
	}
	s.serveBody(w, r, "/_site/"+name, data, nil, http.StatusOK)
}

// contentType is the Content-Type of a served file, by its extension.
func contentType(name string) string {
	if ctype := mime.TypeByExtension(path.Ext(name)); ctype != "" {
		return ctype
	}
	return "application/octet-stream"
}

// version is a short hash of data, for URLs that change with it.
func version(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:5])
}

// injectReload adds the live-reload script to an HTML page.
func (s *Server) injectReload(page []byte) []byte {
	tag := s.reloadTag
	i := bytes.Index(page, []byte("</head>"))
	if i < 0 {
		return append(page[:len(page):len(page)], tag...)
	}
	out := make([]byte, 0, len(page)+len(tag))
	out = append(out, page[:i]...)
	out = append(out, tag...)
	return append(out, page[i:]...)
}

// Rebuilt records the result of an update and tells open pages.
func (s *Server) Rebuilt(u *build.Update, err error) {
	if err != nil {
		s.mu.Lock()
		s.lastErr = err.Error()
		s.mu.Unlock()
		s.events.send("builderror", err.Error())
		return
	}
	if err := s.loadRules(); err != nil {
		s.Rebuilt(nil, err)
		return
	}
	s.encoded.forget(u.Removed)
	if s.cfg.AfterRebuild != nil {
		s.cfg.AfterRebuild()
	}
	s.mu.Lock()
	s.lastErr = ""
	s.mu.Unlock()
	if u.CSSOnly {
		data, _ := json.Marshal(u.CSS)
		s.events.send("css", string(data))
		return
	}
	s.events.send("reload", fmt.Sprintf(`{"pages":%d}`, u.Pages))
}

// streamWriteTimeout bounds each write of an event stream.
const streamWriteTimeout = 30 * time.Second

// keepalive is how often an idle event stream sends a comment.
func (s *Server) keepalive() time.Duration {
	if s.cfg.Keepalive > 0 {
		return s.cfg.Keepalive
	}
	return 15 * time.Second
}

// serveEvents streams server-sent events to a page's reload script.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	ch := s.events.subscribe()
	defer s.events.unsubscribe(ch)
	fmt.Fprint(w, "retry: 500\n\n")
	s.mu.RLock()
	lastErr := s.lastErr
	s.mu.RUnlock()
	if lastErr != "" {
		writeEvent(w, event{"builderror", lastErr})
	}
	// The stream outlives the server's WriteTimeout: each write gets its
	// own deadline (ignored where the writer cannot set one).
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	flusher.Flush()
	keepalive := time.NewTicker(s.keepalive())
	defer keepalive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case ev := <-ch:
			writeEvent(w, ev)
		case <-keepalive.C:
			fmt.Fprint(w, ": keepalive\n\n")
		}
		rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
		flusher.Flush()
	}
}

func writeEvent(w io.Writer, ev event) {
	fmt.Fprintf(w, "event: %s\n", ev.name)
	for _, line := range strings.Split(ev.data, "\n") {
		fmt.Fprintf(w, "data: %s\n", line)
	}
	fmt.Fprint(w, "\n")
}
