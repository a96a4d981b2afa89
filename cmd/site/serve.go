package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/build"
	"github.com/cassidine/site/internal/preview"
)

func runServe(ctx context.Context, e *env, args []string) error {
	var f siteFlags
	fs := newFlagSet(e, "serve", "serve [flags]\n\nBuilds the site in memory and serves it as Netlify will (its _headers,\n_redirects and 404 page). Watches content/, layouts/ and static/, rebuilds\nwhat each save affects and reloads open pages. Drafts and scheduled\narticles are shown, marked.")
	addr := fs.String("addr", "127.0.0.1:1313", "listen on `host:port` (port 0 picks a free one)")
	f.register(fs, e, true)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkBaseURL(f.baseURL); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	url := "http://" + ln.Addr().String() + "/"
	if f.baseURL == "" {
		f.baseURL = url // canonical links and feeds point at the preview
	}
	o := f.options()
	o.Dev = true
	session := build.NewSession(o)
	u, err := session.Build(ctx)
	if err != nil {
		return fmt.Errorf("%w\nserve: the first build failed; fix the problems above and run site serve again", err)
	}
	printWarnings(e.stderr, u.Warnings)
	fn, err := api.Open(ctx, api.Options{
		Getenv:  e.getenv,
		Sources: o.Sources,
		BaseURL: o.BaseURL,
		Local:   true,
		Log:     slog.New(slog.NewTextHandler(e.stderr, nil)),
	})
	if err != nil {
		return fmt.Errorf("serve: the function: %w", err)
	}
	defer fn.Close()
	fmt.Fprintf(e.stdout, "function: %s\n", fn)
	shown := fmt.Sprint(u.Warnings) // the warnings on the terminal
	reload := func() {
		// The function's pages follow the site's layouts, CSS and quiz.
		// The session has just read every page's title: the function
		// takes them rather than reading the content again.
		src := o.Sources
		src.Titles = session.Titles()
		if err := fn.Reload(src, o.BaseURL); err != nil {
			fmt.Fprintf(e.stderr, "function: %v\n", err)
		}
		if ws := session.Warnings(); fmt.Sprint(ws) != shown {
			shown = fmt.Sprint(ws)
			printWarnings(e.stderr, ws)
		}
	}
	srv, err := preview.New(preview.Config{
		Session:      session,
		Dirs:         map[string]string{build.RootContent: f.content, build.RootLayouts: "layouts", build.RootStatic: "static"},
		API:          fn,
		Log:          e.stdout,
		Errors:       e.stderr,
		AfterRebuild: reload,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "built %d pages in %d ms; serving %s (drafts and scheduled articles shown; Ctrl+C stops)\n", u.Pages, u.Elapsed.Milliseconds(), url)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	watchErr := make(chan error, 1)
	go func() { watchErr <- srv.Watch(ctx) }()
	hs := newHTTPServer(ctx, srv.Handler(), serveTimeouts)
	go func() {
		<-ctx.Done()
		shutdown, done := context.WithTimeout(context.Background(), 2*time.Second)
		defer done()
		hs.Shutdown(shutdown)
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	cancel()
	return <-watchErr
}

// timeouts bound how long site serve waits on a connection.
type timeouts struct {
	header, read, write, idle time.Duration
}

// serveTimeouts: a stalled or slow client cannot hold a connection (or a
// goroutine) forever. The live-reload event stream outlives write by
// pushing its own deadline forward before each event (package preview).
var serveTimeouts = timeouts{header: 10 * time.Second, read: 30 * time.Second, write: time.Minute, idle: 2 * time.Minute}

// newHTTPServer is site serve's server: h with the timeouts t, whose
// requests end when ctx does (which ends the event streams on stop).
func newHTTPServer(ctx context.Context, h http.Handler, t timeouts) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.header,
		ReadTimeout:       t.read,
		WriteTimeout:      t.write,
		IdleTimeout:       t.idle,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
}
