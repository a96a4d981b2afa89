package main

// Reload mode (-mode reload): how long after saving an article does an open
// page learn that it must reload, with `site serve` and with `hugo server`.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cassidine/site/internal/runenv"
	"github.com/cassidine/site/internal/stats"
	"golang.org/x/net/websocket"
)

// Targets for site's median edit-to-reload latency.
const (
	bodyTarget  = 50 * time.Millisecond
	titleTarget = 150 * time.Millisecond
)

const (
	reloadWait   = 15 * time.Second // longest wait for one reload event
	startWait    = 2 * time.Minute  // longest wait for a server's first build
	warmAttempts = 3                // untimed warm-up edits tried before giving up
	tailLines    = 20               // server output lines kept for error messages
)

// liveReloadHello is the LiveReload protocol's opening message.
const liveReloadHello = `{"command":"hello","protocols":["http://livereload.com/protocols/official-7"]}`

// editKind is one sort of edit an author makes to an article.
type editKind struct {
	name   string
	target time.Duration
	apply  func(src []byte, tag string) ([]byte, error)
	marker func(tag string) string // text the edited page then shows
}

var editKinds = []editKind{
	{"body", bodyTarget, editBody, bodySentence},
	{"title", titleTarget, editTitle, titleSuffix},
}

// reloadEvent is one message a server sent an open page: the SSE event name
// or the LiveReload command, when it arrived, and its data (site's reload
// data is {"pages":N}; Hugo's is the path it reloads).
type reloadEvent struct {
	at   time.Time
	kind string
	data string
}

// liveServer is one running dev server, subscribed to as a page would be.
type liveServer struct {
	name    string
	dir     string   // working directory
	argv    []string // command
	content string   // the content folder it watches
	base    string   // http://127.0.0.1:PORT, no trailing slash
	events  string   // how its reloads are received, for the log

	cmd     *exec.Cmd
	done    chan struct{} // closed once the process has exited
	waitErr error         // set before done is closed
	out     *lineLog      // stdout and stderr
	reloads chan reloadEvent
}

// loopback is an HTTP client that never uses a proxy.
var loopback = &http.Client{Transport: &http.Transport{Proxy: nil, DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}}

func benchReload(ctx context.Context, cfg config, n int, siteBin, hugoPath string, stdout io.Writer) (err error) {
	dir := filepath.Join(cfg.work, strconv.Itoa(n))
	corpus := filepath.Join(dir, "corpus")
	fmt.Fprintf(stdout, "\n== reload n=%d ==\n", n)
	if err := ensureCorpus(ctx, cfg.shared, corpus, n, stdout); err != nil {
		return err
	}
	src := filepath.Join(corpus, "content")
	names, err := articleNames(filepath.Join(src, "articles"))
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return fmt.Errorf("no articles in %s", filepath.Join(src, "articles"))
	}
	plan := planEdits(names, cfg.edits)

	// Every tool gets its own copy of the corpus, so the cached corpus is
	// never edited and every tool sees the same edits to the same files.
	scratch, err := os.MkdirTemp(cfg.work, "reload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	fmt.Fprintf(stdout, "scratch: %s (copies of %s; removed at the end)\n", scratch, src)

	ctx, cancel := context.WithCancel(ctx)
	var servers []*liveServer
	defer func() {
		cancel() // ends the event streams
		for _, s := range servers {
			s.stop(stdout)
		}
	}()

	for _, name := range cfg.tools {
		s := &liveServer{name: name}
		switch name {
		case "site":
			s.content = filepath.Join(scratch, "site", "content")
			if err := os.CopyFS(s.content, os.DirFS(src)); err != nil {
				return fmt.Errorf("copying content for site: %w", err)
			}
			s.dir = cfg.root
			s.argv = []string{siteBin, "serve", "-addr", "127.0.0.1:0", "-content", s.content}
		case "hugo":
			hdir := filepath.Join(scratch, "hugo")
			if err := prepareHugo(filepath.Join(cfg.shared, "peers", "hugo"), src, hdir); err != nil {
				return err
			}
			port, err := freePort()
			if err != nil {
				return err
			}
			s.content = filepath.Join(hdir, "content")
			s.dir = hdir
			s.base = "http://127.0.0.1:" + strconv.Itoa(port)
			s.argv = []string{hugoPath, "server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--disableFastRender=false"}
		}
		servers = append(servers, s)
	}
	for _, s := range servers {
		fmt.Fprintf(stdout, "%s command: cd %s && %s\n", s.name, runenv.ShellQuote(s.dir), runenv.ShellQuote(s.argv...))
	}

	for _, s := range servers {
		start := time.Now()
		if err := s.start(ctx); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: serving %s/ after %s (first build); reloads from %s\n",
			s.name, s.base, time.Since(start).Round(time.Millisecond), s.events)
	}

	fmt.Fprintf(stdout, "method: per edit, GET the article's page (an author viewing it), time from just before rewriting its file to the first reload message, check (untimed) the page shows the edit, pause %s\n", cfg.pause)
	for _, s := range servers {
		d, info, err := s.warmUp(ctx, plan.warm, cfg.pause)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "warm-up %s: %s %s ms%s, untimed\n", s.name, plan.warm, msf(d), info)
	}

	lat := map[string][]time.Duration{} // by tool+" "+kind
	for _, kind := range editKinds {
		articles := plan.byKind[kind.name]
		for i, article := range articles {
			tag := fmt.Sprintf("%s %d", kind.name, i+1)
			for _, s := range servers {
				d, info, err := s.timeEdit(ctx, article, kind, tag)
				if err != nil {
					return err
				}
				lat[s.name+" "+kind.name] = append(lat[s.name+" "+kind.name], d)
				fmt.Fprintf(stdout, "%s edit %d/%d %s: %s %s ms%s\n", kind.name, i+1, len(articles), s.name, article, msf(d), info)
				if err := sleep(ctx, cfg.pause); err != nil {
					return err
				}
			}
		}
	}

	fmt.Fprintf(stdout, "results n=%d (%d edits per kind per tool, after 1 untimed warm-up):\n", n, cfg.edits)
	fmt.Fprintln(stdout, latencyHeader())
	for _, kind := range editKinds {
		for _, s := range servers {
			fmt.Fprintln(stdout, latencyRow(s.name, kind.name, summarizeLatencies(lat[s.name+" "+kind.name])))
		}
	}
	for _, kind := range editKinds {
		var site, hugo *latencyStats
		if l, ok := lat["site "+kind.name]; ok {
			st := summarizeLatencies(l)
			site = &st
		}
		if l, ok := lat["hugo "+kind.name]; ok {
			st := summarizeLatencies(l)
			hugo = &st
		}
		fmt.Fprintln(stdout, reloadRatioLine(kind.name, kind.target, site, hugo))
	}
	return nil
}

// editPlan names the articles edited: one for the warm-up, then one per
// timed edit of each kind, spread over the corpus, the same for every tool.
type editPlan struct {
	warm   string
	byKind map[string][]string
}

func planEdits(names []string, edits int) editPlan {
	idx := spread(len(names), 1+edits*len(editKinds))
	p := editPlan{warm: names[idx[0]], byKind: map[string][]string{}}
	for k, kind := range editKinds {
		for i := range edits {
			p.byKind[kind.name] = append(p.byKind[kind.name], names[idx[1+k*edits+i]])
		}
	}
	return p
}

// spread returns k indices into n items, evenly spaced and centred; they
// repeat only when k > n.
func spread(n, k int) []int {
	idx := make([]int, k)
	for i := range idx {
		idx[i] = ((2*i + 1) * n / (2 * k)) % n
	}
	return idx
}

// articleNames lists the .md files in dir, sorted.
func articleNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".md") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// start runs the server, waits until it serves its first build, and
// subscribes to its reloads.
func (s *liveServer) start(ctx context.Context) error {
	s.out = &lineLog{max: tailLines}
	urls := make(chan string, 1)
	if s.name == "site" {
		s.out.onLine = func(line string) {
			if u, ok := servingURL(line); ok {
				select {
				case urls <- u:
				default:
				}
			}
		}
	}
	s.cmd = exec.Command(s.argv[0], s.argv[1:]...)
	s.cmd.Dir = s.dir
	s.cmd.Stdout = s.out
	s.cmd.Stderr = s.out
	s.cmd.SysProcAttr = childAttr()
	s.cmd.WaitDelay = 2 * time.Second
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	s.done = make(chan struct{})
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.done)
	}()
	s.reloads = make(chan reloadEvent, 64)

	timer := time.NewTimer(startWait)
	defer timer.Stop()
	switch s.name {
	case "site":
		select {
		case u := <-urls:
			pu, err := url.Parse(u)
			if err != nil || pu.Hostname() != "127.0.0.1" {
				return fmt.Errorf("site: serving %q, want a loopback URL", u)
			}
			s.base = strings.TrimSuffix(u, "/")
		case <-s.done:
			return s.exited()
		case <-timer.C:
			return s.failed(fmt.Errorf("no serving line within %s", startWait))
		case <-ctx.Done():
			return ctx.Err()
		}
		s.events = s.base + "/_site/events (SSE, event: reload)"
		return subscribeSSE(ctx, s.base+"/_site/events", s.reloads)
	case "hugo":
		if err := s.waitForPage(ctx, "/", timer.C); err != nil {
			return err
		}
		ws := "ws" + strings.TrimPrefix(s.base, "http") + "/livereload"
		s.events = ws + ` (LiveReload, {"command":"reload"})`
		if err := subscribeLiveReload(ctx, ws, s.base+"/", s.reloads); err != nil {
			return s.failed(err)
		}
		return nil
	}
	return fmt.Errorf("unknown server %q", s.name)
}

// waitForPage polls path until it answers 200 (Hugo listens only once its
// first build is done, and answers 404 while a page is missing).
func (s *liveServer) waitForPage(ctx context.Context, path string, deadline <-chan time.Time) error {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		if status, err := get(ctx, s.base+path); err == nil && status == http.StatusOK {
			return nil
		}
		select {
		case <-tick.C:
		case <-s.done:
			return s.exited()
		case <-deadline:
			return s.failed(fmt.Errorf("%s did not answer 200 within %s", path, startWait))
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// warmUp makes untimed body edits to one article until a reload arrives:
// it proves the watch is live (a write before it began would be lost) and
// warms caches, as the build mode's warm-up does.
func (s *liveServer) warmUp(ctx context.Context, article string, pause time.Duration) (time.Duration, string, error) {
	var err error
	for a := 1; a <= warmAttempts; a++ {
		var d time.Duration
		var info string
		d, info, err = s.timeEdit(ctx, article, editKinds[0], fmt.Sprintf("warm-up %d", a))
		if err == nil {
			return d, info, sleep(ctx, pause)
		}
		if !errors.Is(err, errNoReload) {
			return 0, "", err
		}
	}
	return 0, "", err
}

var errNoReload = errors.New("no reload")

// timeEdit views an article's page, rewrites its file with one edit and
// returns the time from just before the write to the first reload message.
// Then, untimed, it checks that the page now shows the edit.
func (s *liveServer) timeEdit(ctx context.Context, article string, kind editKind, tag string) (time.Duration, string, error) {
	path := filepath.Join(s.content, "articles", article)
	old, err := os.ReadFile(path)
	if err != nil {
		return 0, "", err
	}
	data, err := kind.apply(old, tag)
	if err != nil {
		return 0, "", fmt.Errorf("%s edit of %s: %w", kind.name, article, err)
	}
	page := "/articles/" + strings.TrimSuffix(article, ".md") + "/"
	status, err := get(ctx, s.base+page)
	if err != nil {
		return 0, "", s.failed(err)
	}
	if status != http.StatusOK {
		return 0, "", s.failed(fmt.Errorf("GET %s: status %d, want 200", s.base+page, status))
	}
	for drained := false; !drained; { // late messages of earlier edits
		select {
		case <-s.reloads:
		default:
			drained = true
		}
	}

	t0 := time.Now()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return 0, "", err
	}
	timer := time.NewTimer(reloadWait)
	defer timer.Stop()
	for {
		select {
		case ev := <-s.reloads:
			switch {
			case ev.at.Before(t0):
			case ev.kind == "reload":
				if err := s.checkPage(ctx, page, kind.marker(tag)); err != nil {
					return 0, "", err
				}
				return ev.at.Sub(t0), reloadInfo(s.name, ev.data), nil
			case ev.kind == "builderror":
				return 0, "", s.failed(fmt.Errorf("build error after the %s edit of %s: %s", kind.name, article, ev.data))
			}
		case <-timer.C:
			return 0, "", s.failed(fmt.Errorf("%w within %s of the %s edit of %s", errNoReload, reloadWait, kind.name, article))
		case <-s.done:
			return 0, "", s.exited()
		case <-ctx.Done():
			return 0, "", ctx.Err()
		}
	}
}

// checkPage fetches page and fails unless it contains want.
func (s *liveServer) checkPage(ctx context.Context, page, want string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+page, nil)
	if err != nil {
		return err
	}
	resp, err := loopback.Do(req)
	if err != nil {
		return s.failed(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return s.failed(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
		return s.failed(fmt.Errorf("after the reload GET %s: status %d, and the page does not show %q", s.base+page, resp.StatusCode, want))
	}
	return nil
}

// reloadInfo describes a reload message for the log: how many pages site
// rewrote, or which path Hugo reloads.
func reloadInfo(tool, data string) string {
	if tool == "site" {
		if pages, ok := reloadPages(data); ok {
			return fmt.Sprintf(" (site rewrote %d %s)", pages, plural(pages, "page", "pages"))
		}
		return ""
	}
	if data != "" {
		return fmt.Sprintf(" (%s reloads %s)", tool, data)
	}
	return ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// stop interrupts the server, kills it if it lingers, and waits for it.
func (s *liveServer) stop(stdout io.Writer) {
	if s.done == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	how := "interrupted"
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		how = "killed"
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	fmt.Fprintf(stdout, "%s: stopped (%s, pid %d)\n", s.name, how, s.cmd.Process.Pid)
}

// failed adds the server's last output to err.
func (s *liveServer) failed(err error) error {
	return fmt.Errorf("%s: %w\n%s last output:\n%s", s.name, err, s.name, s.out.tail())
}

func (s *liveServer) exited() error {
	return s.failed(fmt.Errorf("server exited early: %v", s.waitErr))
}

// get fetches u and discards the body, returning the status.
func get(ctx context.Context, u string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := loopback.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

// subscribeSSE opens site's event stream and forwards its events until ctx
// ends. It returns once subscribed: site subscribes a page before sending
// the response headers.
func subscribeSSE(ctx context.Context, u string, out chan<- reloadEvent) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := loopback.Do(req)
	if err != nil {
		return fmt.Errorf("site events: %w", err)
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/event-stream") {
		resp.Body.Close()
		return fmt.Errorf("site events: GET %s: status %d, Content-Type %q, want 200 text/event-stream", u, resp.StatusCode, ct)
	}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64*1024), 4<<20)
		var p sseParser
		for sc.Scan() {
			ev, ok := p.line(sc.Text())
			if !ok {
				continue
			}
			select {
			case out <- reloadEvent{at: time.Now(), kind: ev.name, data: ev.data}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return nil
}

// subscribeLiveReload connects to Hugo's LiveReload websocket, says hello,
// waits for Hugo's hello and forwards every later message until ctx ends.
func subscribeLiveReload(ctx context.Context, wsURL, origin string, out chan reloadEvent) error {
	wcfg, err := websocket.NewConfig(wsURL, origin)
	if err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ws, err := wcfg.DialContext(dctx)
	if err != nil {
		return fmt.Errorf("livereload: %w", err)
	}
	go func() {
		<-ctx.Done()
		ws.Close()
	}()
	if err := websocket.Message.Send(ws, liveReloadHello); err != nil {
		return fmt.Errorf("livereload hello: %w", err)
	}
	go func() {
		for {
			var msg string
			if err := websocket.Message.Receive(ws, &msg); err != nil {
				return
			}
			at := time.Now()
			cmd, path := liveReloadCommand(msg)
			select {
			case out <- reloadEvent{at: at, kind: cmd, data: path}:
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case ev := <-out:
			if ev.kind == "hello" {
				return nil
			}
		case <-dctx.Done():
			return fmt.Errorf("livereload: no hello from %s: %w", wsURL, dctx.Err())
		}
	}
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// lineLog is an io.Writer for a child's output: it calls onLine for each
// complete line and keeps the last max lines.
type lineLog struct {
	max    int
	onLine func(string)

	mu      sync.Mutex
	partial []byte
	lines   []string
}

func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		line := strings.TrimSuffix(string(l.partial[:i]), "\r")
		l.partial = l.partial[i+1:]
		l.lines = append(l.lines, line)
		if len(l.lines) > l.max {
			l.lines = l.lines[len(l.lines)-l.max:]
		}
		if l.onLine != nil {
			l.onLine(line)
		}
	}
	return len(p), nil
}

// tail returns the kept lines and any unfinished one.
func (l *lineLog) tail() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	lines := slices.Clone(l.lines)
	if len(l.partial) > 0 {
		lines = append(lines, string(l.partial))
	}
	if len(lines) == 0 {
		return "(none)"
	}
	return strings.Join(lines, "\n")
}

// servingURL finds the URL in site serve's "... serving http://HOST:PORT/ ..." line.
func servingURL(line string) (string, bool) {
	_, rest, ok := strings.Cut(line, "serving http://")
	if !ok {
		return "", false
	}
	host, _, _ := strings.Cut(rest, " ")
	if host == "" || !strings.HasSuffix(host, "/") {
		return "", false
	}
	return "http://" + host, true
}

// sseEvent is one server-sent event.
type sseEvent struct{ name, data string }

// sseParser reads a text/event-stream a line at a time, as browsers do:
// fields accumulate until a blank line dispatches the event.
type sseParser struct {
	name    string
	data    []string
	hasData bool
}

// line feeds one line without its line ending; it returns an event when
// the line ends one. Comments, id and retry are skipped.
func (p *sseParser) line(l string) (sseEvent, bool) {
	if l == "" {
		ev := sseEvent{name: p.name, data: strings.Join(p.data, "\n")}
		ok := p.hasData
		*p = sseParser{}
		if !ok {
			return sseEvent{}, false
		}
		if ev.name == "" {
			ev.name = "message"
		}
		return ev, true
	}
	if strings.HasPrefix(l, ":") {
		return sseEvent{}, false
	}
	field, value, _ := strings.Cut(l, ":")
	value = strings.TrimPrefix(value, " ")
	switch field {
	case "event":
		p.name = value
	case "data":
		p.data = append(p.data, value)
		p.hasData = true
	}
	return sseEvent{}, false
}

// reloadPages reads N from site's reload data {"pages":N}.
func reloadPages(data string) (int, bool) {
	var v struct {
		Pages *int `json:"pages"`
	}
	if err := json.Unmarshal([]byte(data), &v); err != nil || v.Pages == nil {
		return 0, false
	}
	return *v.Pages, true
}

// liveReloadCommand reads the command and path of a LiveReload message;
// anything else has the command "".
func liveReloadCommand(msg string) (command, path string) {
	var v struct {
		Command string `json:"command"`
		Path    string `json:"path"`
	}
	if err := json.Unmarshal([]byte(msg), &v); err != nil {
		return "", ""
	}
	return v.Command, v.Path
}

// bodySentence is the sentence editBody writes for tag.
func bodySentence(tag string) string {
	return "Reload bench edit " + tag + " rewrote this sentence."
}

// editBody replaces the first sentence of the first prose paragraph after
// the front matter (skipping headings, lists, tables, quotes and code) with
// a sentence naming tag, so each distinct tag is a real change.
func editBody(src []byte, tag string) ([]byte, error) {
	fm, body, err := splitFrontMatter(string(src))
	if err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(body, "\n")
	fence := false
	for i, l := range lines {
		t := strings.TrimRight(l, "\r\n")
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = !fence
			continue
		}
		r, _ := utf8.DecodeRuneInString(t)
		if fence || !unicode.IsLetter(r) {
			continue
		}
		end := strings.Index(t, ". ")
		if end < 0 {
			continue
		}
		lines[i] = bodySentence(tag) + t[end+1:] + l[len(t):]
		return []byte(fm + strings.Join(lines, "")), nil
	}
	return nil, errors.New("no paragraph of two or more sentences after the front matter")
}

// titleMarker starts the suffix editTitle adds to a title.
const titleMarker = " (bench "

// titleSuffix is what editTitle appends to the title for tag.
func titleSuffix(tag string) string { return titleMarker + tag + ")" }

// editTitle rewrites the front matter's title: line to the original title
// plus " (bench TAG)", replacing an earlier such suffix.
func editTitle(src []byte, tag string) ([]byte, error) {
	fm, body, err := splitFrontMatter(string(src))
	if err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(fm, "\n")
	for i, l := range lines {
		t := strings.TrimRight(l, "\r\n")
		v, ok := strings.CutPrefix(t, "title:")
		if !ok {
			continue
		}
		title := yamlScalar(strings.TrimSpace(v))
		if j := strings.LastIndex(title, titleMarker); j >= 0 && strings.HasSuffix(title, ")") {
			title = title[:j]
		}
		lines[i] = "title: " + strconv.Quote(title+titleSuffix(tag)) + l[len(t):]
		return []byte(strings.Join(lines, "") + body), nil
	}
	return nil, errors.New("no title: line in the front matter")
}

// yamlScalar unquotes a one-line YAML scalar well enough for titles.
func yamlScalar(v string) string {
	switch {
	case len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"':
		if s, err := strconv.Unquote(v); err == nil {
			return s
		}
		return v[1 : len(v)-1]
	case len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'':
		return strings.ReplaceAll(v[1:len(v)-1], "''", "'")
	}
	return v
}

// splitFrontMatter splits a file into its "---" front matter block (with
// both delimiter lines) and the body after it.
func splitFrontMatter(s string) (fm, body string, err error) {
	first, rest, ok := strings.Cut(s, "\n")
	if !ok || strings.TrimRight(first, "\r") != "---" {
		return "", "", errors.New("no front matter: the file does not start with ---")
	}
	off := len(first) + 1
	for rest != "" {
		line, next, _ := strings.Cut(rest, "\n")
		off += len(line) + 1
		if strings.TrimRight(line, "\r") == "---" {
			off = min(off, len(s))
			return s[:off], s[off:], nil
		}
		rest = next
	}
	return "", "", errors.New("front matter has no closing ---")
}

// latencyStats summarizes one tool's latencies for one edit kind.
type latencyStats struct {
	n                     int
	median, p90, min, max time.Duration
}

func summarizeLatencies(xs []time.Duration) latencyStats {
	if len(xs) == 0 {
		return latencyStats{}
	}
	return latencyStats{
		n:      len(xs),
		median: stats.Median(xs),
		p90:    stats.Percentile(xs, 90),
		min:    slices.Min(xs),
		max:    slices.Max(xs),
	}
}

// msf formats d in milliseconds with one decimal.
func msf(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64)
}

func latencyHeader() string {
	return fmt.Sprintf("%-6s %-6s %5s %10s %10s %10s %10s", "tool", "edit", "edits", "median_ms", "p90_ms", "min_ms", "max_ms")
}

func latencyRow(tool, kind string, s latencyStats) string {
	return fmt.Sprintf("%-6s %-6s %5d %10s %10s %10s %10s", tool, kind, s.n, msf(s.median), msf(s.p90), msf(s.min), msf(s.max))
}

// reloadRatioLine compares the tools' medians for one edit kind; a nil
// summary is a tool that did not run.
func reloadRatioLine(kind string, target time.Duration, site, hugo *latencyStats) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s edit: ", kind)
	if site != nil {
		fmt.Fprintf(&b, "site median %s ms (target < %d ms)", msf(site.median), target.Milliseconds())
	} else {
		b.WriteString("site not run")
	}
	if hugo != nil {
		fmt.Fprintf(&b, ", hugo median %s ms", msf(hugo.median))
	} else {
		b.WriteString(", hugo not run")
	}
	if site != nil && hugo != nil {
		r := "n/a"
		if site.median > 0 {
			r = strconv.FormatFloat(float64(hugo.median)/float64(site.median), 'f', 1, 64) + "x"
		}
		fmt.Fprintf(&b, ", hugo/site %s", r)
	}
	return b.String()
}

func editKindNames() string {
	names := make([]string, len(editKinds))
	for i, k := range editKinds {
		names[i] = k.name
	}
	return strings.Join(names, ", ")
}
