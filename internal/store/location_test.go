package store_test

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/store"
)

func TestLocateDescribes(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(name string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == name {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, tt := range []struct {
		getenv func(string) string
		want   string
	}{
		{env(), "sqlite .data/site.db"},
		{env("DATA_DIR", "/var/lib/site"), "sqlite /var/lib/site/site.db"},
		{env("DATABASE_URL", "postgres://u:secret@db.example.com:5432/site?sslmode=require"), "postgres db.example.com:5432/site (DATABASE_URL)"},
		{env("NETLIFY_DB_URL", "postgresql://u:secret@ep-x.neon.tech/neondb", "DATA_DIR", "x"), "postgres ep-x.neon.tech/neondb (NETLIFY_DB_URL)"},
		{env("NETLIFY_DATABASE_URL", "host=db user=u password=secret dbname=site"), "postgres (NETLIFY_DATABASE_URL)"},
		{env("DATABASE_URL", "postgres://a@first/one", "NETLIFY_DB_URL", "postgres://b@second/two"), "postgres first/one (DATABASE_URL)"},
	} {
		got := store.Locate(tt.getenv).String()
		if got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
		if strings.Contains(got, "secret") {
			t.Errorf("%q shows the password", got)
		}
	}
}

// TestOpenStalledPostgres: a server that accepts connections and never
// answers (a frozen Postgres) fails Open within the connect timeout, with
// an unavailable error, instead of hanging.
func TestOpenStalledPostgres(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	start := time.Now()
	st, err := store.OpenPostgres(t.Context(), "postgres://postgres@"+ln.Addr().String()+"/test?sslmode=disable")
	if err == nil {
		st.Close()
		t.Fatal("Open of a server that never answers succeeded")
	}
	if waited := time.Since(start); waited > 15*time.Second {
		t.Errorf("Open waited %v for a stalled server; want it to give up after the connect timeout", waited)
	}
	if code := store.ErrorCode(err); code != store.EUNAVAILABLE {
		t.Errorf("error code %q (%v), want %s", code, err, store.EUNAVAILABLE)
	}
}
