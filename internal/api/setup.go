package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cassidine/site/internal/calendar"
	"github.com/cassidine/site/internal/calsync"
	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/theme"
)

// Options say how Open builds the function. cmd/api (on Netlify), site
// serve and the load tests all build it through Open.
type Options struct {
	// Getenv reads the environment (os.Getenv in the binaries): the store,
	// SITE_SECRET, SMTP_URL, MAIL_FROM, NOTIFY_EMAIL, URL, DATA_DIR,
	// CALENDAR_URLS. The README's table says what each does.
	Getenv func(string) string
	// Sources is the site: theme.FromRoot(site.FS), embedded, on Netlify;
	// the working tree in site serve.
	Sources theme.Sources
	// BaseURL replaces site.toml's baseURL (site serve's own address).
	// Empty: Netlify's URL, if set, else site.toml's.
	BaseURL string
	// Local allows the local defaults: a SQLite file and .eml files under
	// DATA_DIR, and a secret made once and kept there. Without it (the
	// function on Netlify) Open refuses to start without Postgres and
	// SITE_SECRET, and without SMTP_URL keeps emails queued in the store.
	Local bool
	// QueueMail keeps every email queued in the outbox (load tests).
	QueueMail bool
	Log       *slog.Logger // default: discard
}

// Function is the site's function over the store it opened: the handler
// of /api/*, the hourly work (Hourly) and the consultant's commands
// (Cancel, Move). Its theme can be reloaded while it serves (site serve,
// after an edit).
type Function struct {
	s    atomic.Pointer[server]
	desc string
}

// Open checks the settings, loads the theme, opens the store and the mail
// sender, and returns the function. Settings are checked before anything is
// opened or written, with messages that name the variable to set.
func Open(ctx context.Context, o Options) (*Function, error) {
	getenv, log := o.Getenv, o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	loc := store.Locate(getenv)
	if !o.Local && loc.Kind != store.KindPostgres && getenv("ALLOW_EPHEMERAL_SQLITE") != "1" {
		return nil, errors.New("api: refusing to start: no DATABASE_URL (or NETLIFY_DB_URL) is set, and SQLite on a function's temporary disk would lose every booking and lead; set DATABASE_URL to a Postgres database")
	}
	if !o.Local && getenv("DATA_DIR") == "" {
		// A function's own folder is read-only; its one writable disk is
		// the temporary one (where ALLOW_EPHEMERAL_SQLITE puts SQLite).
		env := getenv
		getenv = func(k string) string {
			if k == "DATA_DIR" {
				return os.TempDir()
			}
			return env(k)
		}
		loc = store.Locate(getenv)
	}
	secret, err := Secret(getenv, o.Local)
	if err != nil {
		return nil, err
	}
	var sender mail.Sender
	mailDesc := "none: emails stay queued in the outbox"
	switch {
	case o.QueueMail:
	case !o.Local && getenv("SMTP_URL") == "":
		// Files on a function's disk would vanish: keep the emails queued in
		// the store instead, for SMTP_URL to be set or site leads send.
		log.Warn("SMTP_URL is not set: emails stay queued in the outbox until it is (or site leads send)")
	default:
		if sender, mailDesc, err = mail.NewSender(getenv, store.DataDir(getenv)); err != nil {
			return nil, fmt.Errorf("api: %w", err)
		}
	}
	baseURL := o.BaseURL
	if baseURL == "" {
		// Netlify's address of this deploy, so links in pages and emails
		// point where the visitor is.
		baseURL = getenv("URL")
	}
	th, err := theme.Load(o.Sources, baseURL)
	if err != nil {
		return nil, err
	}
	st, err := loc.Open(ctx)
	if err != nil {
		return nil, fmt.Errorf("api: opening the store (%s): %w", loc, err)
	}
	cals := calsync.ParseURLs(getenv("CALENDAR_URLS"))
	calDesc := "none"
	if len(cals) > 0 {
		labels := make([]string, len(cals))
		for i, u := range cals {
			labels[i] = calendar.Redact(u)
		}
		calDesc = strings.Join(labels, " ")
	}
	f := New(Deps{Store: st, Theme: th, Mail: sender, Secret: secret, NotifyEmail: getenv("NOTIFY_EMAIL"), MailFrom: getenv("MAIL_FROM"), Now: time.Now, Log: log,
		Calendars: cals})
	f.desc = fmt.Sprintf("store %s, mail %s, calendars %s", loc, mailDesc, calDesc)
	log.Info("function", "store", loc.String(), "mail", mailDesc, "calendars", calDesc)
	return f, nil
}

func (f *Function) setTheme(th *theme.Theme) {
	d := f.s.Load().Deps
	d.Theme = th
	f.s.Store(newServer(d))
}

// ServeHTTP serves a request with the current theme.
func (f *Function) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.s.Load().handler.ServeHTTP(w, r)
}

// Reload loads the theme again from src, keeping the store and mail; on
// error the previous theme stays.
func (f *Function) Reload(src theme.Sources, baseURL string) error {
	th, err := theme.Load(src, baseURL)
	if err != nil {
		return err
	}
	f.setTheme(th)
	return nil
}

// String describes the store and mail, without credentials.
func (f *Function) String() string { return f.desc }

// Close closes the store.
func (f *Function) Close() error { return f.s.Load().Store.Close() }

// Secret returns SITE_SECRET, which signs cancel links and hashes client
// addresses. Locally a random one is made once and kept in the data
// folder; elsewhere it is required, since a secret made per cold start
// would break every link already sent.
func Secret(getenv func(string) string, local bool) ([]byte, error) {
	if s := getenv("SITE_SECRET"); s != "" {
		if len(s) < 32 {
			return nil, errors.New("api: SITE_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)")
		}
		return []byte(s), nil
	}
	if !local {
		return nil, errors.New("api: refusing to start: SITE_SECRET is not set; without it, links to cancel or move a booking would stop working (set it to 32+ random characters, e.g. openssl rand -hex 32)")
	}
	path := filepath.Join(store.DataDir(getenv), "site-secret")
	if data, err := os.ReadFile(path); err == nil && len(data) >= 32 {
		return data, nil
	}
	buf := make([]byte, 32)
	rand.Read(buf)
	key := []byte(hex.EncodeToString(buf))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("api: keeping a local SITE_SECRET: %w", err)
	}
	return key, nil
}
