package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/build"
	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/preview"
	"github.com/cassidine/site/internal/store"
)

func runServe(ctx context.Context, e *env, args []string) error {
	var f siteFlags
	fs := newFlagSet(e, "serve", "serve [flags]\n\nBuilds the site in memory and serves it as Netlify will (its _headers,\n_redirects and 404 page). Watches content/, layouts/ and static/, rebuilds\nwhat each save affects and reloads open pages. Drafts and scheduled\narticles are shown, marked.")
	addr := fs.String("addr", "127.0.0.1:1313", "listen on `host:port` (port 0 picks a free one)")
	f.register(fs, true)
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
	fn, err := newDevAPI(ctx, e, o, session)
	if err != nil {
		return err
	}
	defer fn.close()
	srv, err := preview.New(preview.Config{
		Session:      session,
		Dirs:         map[string]string{build.RootContent: f.content, build.RootLayouts: "layouts", build.RootStatic: "static"},
		API:          fn,
		Log:          e.stdout,
		Errors:       e.stderr,
		AfterRebuild: fn.reload,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "built %d pages in %d ms; serving %s (drafts and scheduled articles shown; Ctrl+C stops)\n", u.Pages, u.Elapsed.Milliseconds(), url)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	watchErr := make(chan error, 1)
	go func() { watchErr <- srv.Watch(ctx) }()
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx }, // ends event streams on stop
	}
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

// devAPI is the function, run in-process by serve: the same handler as on
// Netlify, over the store the environment names (SQLite under .data/ by
// default), reloaded after each rebuild so its pages match the site.
type devAPI struct {
	e       *env
	o       build.Options
	session *build.Session
	st      store.Store
	mail    mail.Sender
	secret  []byte
	log     *slog.Logger
	h       atomic.Pointer[http.Handler]
}

func newDevAPI(ctx context.Context, e *env, o build.Options, session *build.Session) (*devAPI, error) {
	st, err := store.Open(ctx, e.getenv)
	if err != nil {
		return nil, fmt.Errorf("serve: opening the store: %w", err)
	}
	d := &devAPI{e: e, o: o, session: session, st: st, log: slog.New(slog.NewTextHandler(e.stderr, nil))}
	if d.secret, err = api.Secret(e.getenv, false); err != nil {
		st.Close()
		return nil, err
	}
	var desc string
	if d.mail, desc, err = mail.NewSender(e.getenv, api.DataDir(e.getenv)); err != nil {
		st.Close()
		return nil, err
	}
	fmt.Fprintf(e.stdout, "function: store %s, mail %s\n", st.Kind(), desc)
	if err := d.load(); err != nil {
		st.Close()
		return nil, err
	}
	return d, nil
}

func (d *devAPI) load() error {
	content := d.o.Content
	if _, err := fs.Stat(content, "site.toml"); err != nil && d.o.Defaults != nil {
		content = d.o.Defaults
	}
	shell, err := api.NewShell(api.Sources{Content: content, Layouts: d.o.Layouts, Static: d.o.Static, Titles: d.session.Titles(), BaseURL: d.o.BaseURL})
	if err != nil {
		return err
	}
	h := api.New(api.Deps{Store: d.st, Shell: shell, Mail: d.mail, Secret: d.secret, NotifyEmail: d.e.getenv("NOTIFY_EMAIL"), MailFrom: d.e.getenv("MAIL_FROM"), Now: time.Now, Log: d.log})
	d.h.Store(&h)
	return nil
}

func (d *devAPI) reload() {
	if err := d.load(); err != nil {
		fmt.Fprintf(d.e.stderr, "function: %v\n", err)
	}
}

func (d *devAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) { (*d.h.Load()).ServeHTTP(w, r) }

func (d *devAPI) close() { d.st.Close() }
