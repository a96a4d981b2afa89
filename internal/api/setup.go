package api

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/cassidine/site/internal/build"
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
	shell, err := NewShell(src)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, getenv)
	if err != nil {
		return nil, nil, fmt.Errorf("api: opening the store: %w", err)
	}
	if st.Kind() == store.KindSQLite && getenv("AWS_LAMBDA_FUNCTION_NAME") != "" && getenv("ALLOW_EPHEMERAL_SQLITE") != "1" {
		st.Close()
		return nil, nil, errors.New("api: refusing to start: no DATABASE_URL (or NETLIFY_DB_URL) is set, and SQLite on a function's temporary disk would lose every booking and lead; set DATABASE_URL to a Postgres database")
	}
	h := New(Deps{Store: st, Shell: shell, Now: time.Now, Log: log})
	return h, st.Close, nil
}

// NewShell loads the site's look for the function's pages.
func NewShell(src Sources) (*build.Shell, error) {
	return build.NewShell(build.Options{Content: src.Content, Layouts: src.Layouts, Static: src.Static, BaseURL: src.BaseURL}, src.Titles)
}
