package main

// Reload mode (-mode reload): how long after an article is saved does an
// open page learn that it must reload, with site serve and with hugo server.
//
// Each tool gets its own copy of the corpus (the cached one is never
// edited), and both servers run at once on 127.0.0.1:
//
//	site: TMP/site serve -addr 127.0.0.1:0 -content SCRATCH/site/content
//	hugo: cd SCRATCH/hugo && hugo server --port P --bind 127.0.0.1 --disableFastRender=false
//
// The bench listens as a page does: to site's server-sent events
// (GET /_site/events, "event: reload") and to Hugo's LiveReload websocket
// (ws://127.0.0.1:P/livereload, {"command":"reload"}). After one untimed
// warm-up edit per tool, for each edit kind (body: the first sentence of a
// paragraph rewritten; title: the title: line changed, which changes lists,
// tags and feeds too) it makes -edits edits, each to a different article,
// the same for both tools, interleaved. Each edit GETs the article's page
// first (Hugo's fast render re-renders only visited pages), times from
// just before writing the file to the first reload message, checks
// (untimed) that the page then shows the edit, and pauses -pause.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/websocket"

	"github.com/cassidine/site/internal/stats"
)

const reloadWait = 15 * time.Second // longest wait for one reload message

// editKind is one sort of edit an author makes to an article: apply
// returns the edited file and a marker the page then shows.
type editKind struct {
	name   string
	target time.Duration // site's median should stay under this
	apply  func(src, tag string) (string, string, error)
}

var editKinds = []editKind{{"body", 50 * time.Millisecond, editBody}, {"title", 150 * time.Millisecond, editTitle}}

// devServer is one running dev server, listened to as an open page does.
type devServer struct {
	name, content, base string // base: http://127.0.0.1:PORT
	command             string
	out                 *syncBuffer
	done                chan struct{} // closed when the process has exited
	reloads             chan string   // message kinds: "reload", "builderror", ...
	lat                 map[string][]time.Duration
}

func benchReload(ctx context.Context, cfg config, src string, stdout io.Writer) error {
	articles, err := filepath.Glob(filepath.Join(src, "articles", "*.md"))
	if err != nil || len(articles) == 0 {
		return fmt.Errorf("no articles in %s", src)
	}
	scratch, err := os.MkdirTemp(cfg.work, "reload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	ctx, cancel := context.WithCancel(ctx)
	var servers []*devServer
	defer func() {
		cancel() // interrupts the servers, and kills them after 5 s
		for _, s := range servers {
			<-s.done
		}
	}()

	site := &devServer{name: "site", content: filepath.Join(scratch, "site", "content")}
	if err := os.CopyFS(site.content, os.DirFS(src)); err != nil {
		return err
	}
	servers = append(servers, site)
	if err := site.start(ctx, cfg.root, cfg.siteBin, "serve", "-addr", "127.0.0.1:0", "-content", site.content); err != nil {
		return err
	}
	if cfg.hugo != "" {
		hdir := filepath.Join(scratch, "hugo")
		if err := prepareHugo(cfg.shared, src, hdir); err != nil {
			return err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0") // a free port
		if err != nil {
			return err
		}
		port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		ln.Close()
		hugo := &devServer{name: "hugo", content: filepath.Join(hdir, "content"), base: "http://127.0.0.1:" + port}
		servers = append(servers, hugo)
		if err := hugo.start(ctx, hdir, cfg.hugo, "server", "--port", port, "--bind", "127.0.0.1", "--disableFastRender=false"); err != nil {
			return err
		}
	}

	for _, s := range servers {
		fmt.Fprintf(stdout, "%s: serving %s/ (%s)\n", s.name, s.base, s.command)
	}

	// One article for the warm-up and one per timed edit, spread over the corpus.
	k := 1 + cfg.edits*len(editKinds)
	pick := func(i int) string { return filepath.Base(articles[(2*i+1)*len(articles)/(2*k)]) }
	for _, s := range servers {
		var d time.Duration
		var err error
		for try := 1; try <= 3; try++ { // the watch may start late
			if d, err = s.edit(ctx, pick(0), editKinds[0], "warm-up "+strconv.Itoa(try)); err == nil {
				break
			}
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "warm-up %s: %s %.1f ms (untimed)\n", s.name, pick(0), ms(d))
	}
	for ki, kind := range editKinds {
		for i := range cfg.edits {
			article := pick(1 + ki*cfg.edits + i)
			for _, s := range servers {
				d, err := s.edit(ctx, article, kind, kind.name+" "+strconv.Itoa(i+1))
				if err != nil {
					return err
				}
				s.lat[kind.name] = append(s.lat[kind.name], d)
				fmt.Fprintf(stdout, "%s edit %d/%d %s: %s %.1f ms\n", kind.name, i+1, cfg.edits, s.name, article, ms(d))
				time.Sleep(cfg.pause)
			}
		}
	}

	fmt.Fprintf(stdout, "results, %d edits per kind per tool:\n", cfg.edits)
	for _, kind := range editKinds {
		for _, s := range servers {
			l := s.lat[kind.name]
			fmt.Fprintf(stdout, "  %-5s %-5s median %7.1f ms, p90 %7.1f ms\n", s.name, kind.name, ms(stats.Percentile(l, 50)), ms(stats.Percentile(l, 90)))
		}
	}
	for _, kind := range editKinds {
		siteMed := stats.Percentile(site.lat[kind.name], 50)
		line := fmt.Sprintf("%s edit: site median %.1f ms (target < %.0f ms)", kind.name, ms(siteMed), ms(kind.target))
		if len(servers) == 2 {
			hugoMed := stats.Percentile(servers[1].lat[kind.name], 50)
			line += fmt.Sprintf(", hugo median %.1f ms, hugo/site %.1fx", ms(hugoMed), float64(hugoMed)/float64(siteMed))
		}
		fmt.Fprintln(stdout, line)
	}
	return nil
}

var servingRE = regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+)/`)

// start runs the server, waits until it serves its first build and
// subscribes to its reloads.
func (s *devServer) start(ctx context.Context, dir string, argv ...string) error {
	s.out, s.done, s.reloads, s.lat = &syncBuffer{}, make(chan struct{}), make(chan string, 64), map[string][]time.Duration{}
	s.command = "cd " + dir + " && " + strings.Join(argv, " ")
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, s.out, s.out
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		close(s.done)
		return err
	}
	go func() { cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		switch m := servingRE.FindStringSubmatch(s.out.String()); {
		case s.name == "site" && m != nil:
			s.base = m[1]
			return s.subscribeSSE(ctx)
		case s.name == "hugo":
			if _, err := s.get(ctx, "/"); err == nil { // Hugo listens once its first build is done
				return s.subscribeLiveReload(ctx)
			}
		}
		select {
		case <-s.done:
			return s.failed(errors.New("exited early"))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return s.failed(errors.New("not serving after 2 minutes"))
		}
	}
}

// subscribeSSE follows site's event stream (event: reload, event: builderror).
func (s *devServer) subscribeSSE(ctx context.Context) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/_site/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return s.failed(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return s.failed(fmt.Errorf("GET /_site/events: %s", resp.Status))
	}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 4<<20) // a css event carries the whole stylesheet
		for sc.Scan() {
			if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				select {
				case s.reloads <- ev:
				case <-ctx.Done():
				}
			}
		}
	}()
	return nil
}

// subscribeLiveReload connects to Hugo's LiveReload websocket, exchanges
// hellos and follows its commands.
func (s *devServer) subscribeLiveReload(ctx context.Context) error {
	ws, err := websocket.Dial("ws"+strings.TrimPrefix(s.base, "http")+"/livereload", "", s.base+"/")
	if err != nil {
		return s.failed(err)
	}
	context.AfterFunc(ctx, func() { ws.Close() })
	var msg struct{ Command string }
	hello := `{"command":"hello","protocols":["http://livereload.com/protocols/official-7"]}`
	if err := websocket.Message.Send(ws, hello); err != nil {
		return s.failed(err)
	}
	if err := websocket.JSON.Receive(ws, &msg); err != nil || msg.Command != "hello" {
		return s.failed(fmt.Errorf("livereload: got %q, %v; want hello", msg.Command, err))
	}
	go func() {
		for {
			var msg struct{ Command string }
			if websocket.JSON.Receive(ws, &msg) != nil {
				return
			}
			select {
			case s.reloads <- msg.Command:
			case <-ctx.Done():
			}
		}
	}()
	return nil
}

// edit views an article's page, applies kind to its file and returns the
// time from just before the write to the first reload message; then,
// untimed, it checks that the page shows the edit.
func (s *devServer) edit(ctx context.Context, article string, kind editKind, tag string) (time.Duration, error) {
	path := filepath.Join(s.content, "articles", article)
	src, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	data, marker, err := kind.apply(string(src), tag)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	page := "/articles/" + strings.TrimSuffix(article, ".md") + "/"
	if _, err := s.get(ctx, page); err != nil {
		return 0, s.failed(err)
	}
	for len(s.reloads) > 0 { // late messages of earlier edits
		<-s.reloads
	}
	t0 := time.Now()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		return 0, err
	}
	timeout := time.After(reloadWait)
	for {
		select {
		case ev := <-s.reloads:
			d := time.Since(t0)
			if ev == "builderror" {
				return 0, s.failed(fmt.Errorf("build error after the %s edit of %s", kind.name, article))
			} else if ev != "reload" {
				continue // site's css, say
			}
			if body, err := s.get(ctx, page); err != nil || !strings.Contains(body, marker) {
				return 0, s.failed(fmt.Errorf("after the %s edit, %s does not show %q (%v)", kind.name, page, marker, err))
			}
			return d, nil
		case <-timeout:
			return 0, s.failed(fmt.Errorf("no reload within %s of the %s edit of %s", reloadWait, kind.name, article))
		case <-s.done:
			return 0, s.failed(errors.New("exited"))
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// get fetches a page of the server and returns its body; not 200 is an error.
func (s *devServer) get(ctx context.Context, path string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.base+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return string(body), err
}

// failed adds the end of the server's output to err.
func (s *devServer) failed(err error) error {
	out := s.out.String()
	return fmt.Errorf("%s: %w\n%s's last output:\n%s", s.name, err, s.name, out[max(0, len(out)-2000):])
}

// editBody rewrites the first sentence of the first prose paragraph after
// the front matter to one naming tag.
func editBody(src, tag string) (string, string, error) {
	end := strings.Index(src, "\n---\n") + len("\n---\n") // the front matter's end
	if end < len("\n---\n") {
		return "", "", errors.New("no front matter")
	}
	marker := "Reload bench edit " + tag + " rewrote this sentence."
	lines := strings.SplitAfter(src[end:], "\n")
	for i, l := range lines {
		r, _ := utf8.DecodeRuneInString(l)
		if dot := strings.Index(l, ". "); unicode.IsLetter(r) && dot > 0 {
			lines[i] = marker + l[dot+1:]
			return src[:end] + strings.Join(lines, ""), marker, nil
		}
	}
	return "", "", errors.New("no paragraph of two sentences after the front matter")
}

// editTitle appends " (bench TAG)" to the front matter's quoted title.
func editTitle(src, tag string) (string, string, error) {
	marker := " (bench " + tag + ")"
	i := strings.Index(src, "\ntitle: \"")
	j := i + 1 + strings.IndexByte(src[i+1:], '\n') // the title line's end
	if i < 0 || j <= i+1 || src[j-1] != '"' {
		return "", "", errors.New(`no title: "..." line`)
	}
	return src[:j-1] + marker + src[j-1:], marker, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// syncBuffer is a child's output, written and read concurrently.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
