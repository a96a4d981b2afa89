package headers

import (
	"net/http"
	"strings"
	"testing"
)

func TestFile(t *testing.T) {
	f := string(File())
	all, assets, ok := strings.Cut(f, "/assets/*\n")
	if !ok || !strings.HasPrefix(all, "/*\n") {
		t.Fatalf("want a /* rule then an /assets/* rule, got:\n%s", f)
	}
	for _, kv := range Security {
		if !strings.Contains(all, "  "+kv[0]+": "+kv[1]+"\n") {
			t.Errorf("/* rule lacks %s", kv[0])
		}
	}
	if !strings.Contains(all, "Cache-Control: "+CacheRevalidate) {
		t.Error("/* rule does not revalidate")
	}
	// Netlify lets a later matching rule override a header, so the
	// immutable rule must come after the catch-all.
	if strings.TrimSpace(assets) != "Cache-Control: "+CacheImmutable {
		t.Errorf("/assets/* rule: got %q", assets)
	}
}

func TestCSP(t *testing.T) {
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'self'"} {
		if !strings.Contains(CSP, want) {
			t.Errorf("CSP lacks %q", want)
		}
	}
	if strings.Contains(CSP, "unsafe-inline") || strings.Contains(CSP, "unsafe-eval") || strings.Contains(CSP, "http") {
		t.Errorf("CSP allows inline code or another origin: %s", CSP)
	}
}

func TestSet(t *testing.T) {
	h := http.Header{}
	Set(h)
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Security-Policy") != CSP {
		t.Errorf("Set: got %v", h)
	}
}
