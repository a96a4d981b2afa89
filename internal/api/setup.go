package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/cassidine/site/internal/build"
	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/store"
)

// Sources are the site's files the function reads: the content folder
// (site.toml, quiz.toml), layouts and static, and the pages' titles.
type Sources struct {
	Content, Layouts, Static fs.FS
	Titles                   map[string]string
	BaseURL                  string // overrides site.toml's, as site build -baseurl does
}

// Setup opens the store named by the environment and returns the handler
// and a function that closes the store. In Lambda (on Netlify) it refuses
// SQLite, whose file would vanish with the function's disk and lose every
// booking and lead, unless ALLOW_EPHEMERAL_SQLITE=1 says that is intended.
func Setup(ctx context.Context, getenv func(string) string, src Sources, log *slog.Logger) (http.Handler, func() error, error) {
	if src.BaseURL == "" {
		// Netlify's address of this deploy, so links in pages and emails
		// point where the visitor is (production or a deploy preview).
		src.BaseURL = getenv("URL")
	}
	// The settings come first: refuse before connecting anywhere or
	// writing a file, with a message that names the variable.
	inLambda := getenv("AWS_LAMBDA_FUNCTION_NAME") != ""
	if inLambda && !store.UsesPostgres(getenv) && getenv("ALLOW_EPHEMERAL_SQLITE") != "1" {
		return nil, nil, errors.New("api: refusing to start: no DATABASE_URL (or NETLIFY_DB_URL) is set, and SQLite on a function's temporary disk would lose every booking and lead; set DATABASE_URL to a Postgres database")
	}
	secret, err := Secret(getenv, inLambda)
	if err != nil {
		return nil, nil, err
	}
	if inLambda && getenv("DATA_DIR") == "" {
		// A function's own folder is read-only; its one writable disk is
		// the temporary one (where ALLOW_EPHEMERAL_SQLITE puts SQLite).
		env := getenv
		getenv = func(k string) string {
			if k == "DATA_DIR" {
				return os.TempDir()
			}
			return env(k)
		}
	}
	shell, err := NewShell(src)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, getenv)
	if err != nil {
		return nil, nil, fmt.Errorf("api: opening the store: %w", err)
	}
	var sender mail.Sender
	if inLambda && getenv("SMTP_URL") == "" {
		// Files on a function's disk would vanish: keep the emails queued in
		// the store instead, for SMTP_URL to be set or site leads send.
		log.Warn("SMTP_URL is not set: emails stay queued in the outbox until it is (or site leads send)")
	} else {
		var desc string
		sender, desc, err = mail.NewSender(getenv, DataDir(getenv))
		if err != nil {
			st.Close()
			return nil, nil, fmt.Errorf("api: %w", err)
		}
		log.Info("mail", "sender", desc)
	}
	h := New(Deps{Store: st, Shell: shell, Mail: sender, Secret: secret, NotifyEmail: getenv("NOTIFY_EMAIL"), MailFrom: getenv("MAIL_FROM"), Now: time.Now, Log: log})
	return h, st.Close, nil
}

// DataDir is the local data folder: DATA_DIR, default .data.
func DataDir(getenv func(string) string) string {
	if d := getenv("DATA_DIR"); d != "" {
		return d
	}
	return store.DefaultDataDir
}

// Secret returns SITE_SECRET, which signs cancel links and hashes client
// addresses. Locally a random one is kept in the data folder; in Lambda it
// is required, since a secret made per cold start would break every link
// already sent.
func Secret(getenv func(string) string, inLambda bool) ([]byte, error) {
	if s := getenv("SITE_SECRET"); s != "" {
		if len(s) < 32 {
			return nil, errors.New("api: SITE_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)")
		}
		return []byte(s), nil
	}
	if inLambda {
		return nil, errors.New("api: refusing to start: SITE_SECRET is not set; without it, links to cancel or move a booking would stop working (set it to 32+ random characters, e.g. openssl rand -hex 32)")
	}
	path := filepath.Join(DataDir(getenv), "site-secret")
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

// NewShell loads the site's look for the function's pages.
func NewShell(src Sources) (*build.Shell, error) {
	return build.NewShell(build.Options{Content: src.Content, Layouts: src.Layouts, Static: src.Static, BaseURL: src.BaseURL}, src.Titles)
}
