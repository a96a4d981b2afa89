package store_test

import (
	"strings"
	"testing"

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
