package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cassidine/site"
	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/headers"
	"github.com/cassidine/site/internal/lambdahttp"
	"github.com/cassidine/site/internal/lambdahttp/lambdatest"
	"github.com/cassidine/site/internal/theme"
)

// maxBinarySize is the most the function binary may weigh: Netlify loads
// it on every cold start.
const maxBinarySize = 20_000_000

// built is the site and the function, built once for all tests as
// Netlify builds them, into a temporary folder (neither build writes
// anywhere else).
type built struct {
	root    string // the repository
	site    string // the built site (public/)
	bin     string // the api function, linux/amd64
	command string // the go build command as run
	err     error
}

var (
	buildOnce sync.Once
	shared    built
	tmpRoot   string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if tmpRoot != "" {
		os.RemoveAll(tmpRoot)
	}
	os.Exit(code)
}

// build builds the site and the function as Netlify does.
func build(t testing.TB) built {
	t.Helper()
	buildOnce.Do(func() {
		b := &shared
		if b.root, b.err = lambdatest.RepoRoot(); b.err != nil {
			return
		}
		if tmpRoot, b.err = os.MkdirTemp("", "cmd-api-test-"); b.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
		defer cancel()
		b.site = filepath.Join(tmpRoot, "public")
		cmd := exec.CommandContext(ctx, "go", "run", "./cmd/site", "build", "-quiet", "-out", b.site)
		cmd.Dir = b.root
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go run ./cmd/site build: %v\n%s", err, out)
			return
		}
		b.bin = filepath.Join(tmpRoot, "api")
		b.command, b.err = lambdatest.BuildFunction(ctx, b.root, "api", b.bin)
	})
	if shared.err != nil {
		t.Fatalf("building the site and the function: %v", shared.err)
	}
	return shared
}

// netlifyConfig reads the repository's netlify.toml.
func netlifyConfig(t testing.TB, root string) *lambdatest.Config {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "netlify.toml"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := lambdatest.ParseConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := lambdatest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// buildTags are the -tags of a function's build.
func buildTags(fn string) []string {
	_, args := lambdatest.FunctionBuild(fn, fn)
	return strings.Split(args[slices.Index(args, "-tags")+1], ",")
}

// devOnly are packages the function must not link, and why.
var devOnly = map[string]string{
	"github.com/fsnotify/fsnotify":                 "site serve's file watcher",
	"github.com/cassidine/site/internal/preview":   "the dev server",
	"github.com/cassidine/site/internal/linkcheck": "site check -external",
	"github.com/cassidine/site/internal/netlify":   "site serve's imitation of Netlify's edge",
	"github.com/rogpeppe/go-internal":              "tests only (testscript)",
	"golang.org/x/tools":                           "tests only (txtar)",
	"github.com/chromedp":                          "the browser tests (internal/e2e)",
	"github.com/cassidine/site/internal/e2e":       "the browser tests",
	"testing":                                      "tests only",
	"net/http/httptest":                            "tests only",
	"net/http/pprof":                               "a debug endpoint",
	"net/rpc":                                      "the RPC shim that -tags lambda.norpc leaves out",
}

// TestLeanDependencies: what netlify.toml builds links none of the dev
// server's or the tests' packages (and, built with nosqlite, no SQLite):
// the api function and the hourly tasks function, which opens the same
// function.
func TestLeanDependencies(t *testing.T) {
	root := repoRoot(t)
	for fn, needs := range map[string]string{
		"api":   "github.com/cassidine/site/internal/lambdahttp",
		"tasks": "github.com/cassidine/site/internal/api",
	} {
		tags := buildTags(fn)
		pkg := "./cmd/" + fn
		cmd := exec.Command("go", "list", "-deps", "-tags", strings.Join(tags, ","), pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		deps := strings.Fields(string(out))
		if !slices.Contains(deps, needs) {
			t.Fatalf("go list -deps %s lists no %s; got %d packages", pkg, needs, len(deps))
		}
		forbidden := maps.Clone(devOnly)
		if slices.Contains(tags, "nosqlite") {
			forbidden["modernc.org/sqlite"] = "SQLite, which the nosqlite build tag leaves out (internal/store must honour it)"
		}
		for _, d := range deps {
			for p, why := range forbidden {
				if d == p || strings.HasPrefix(d, p+"/") {
					t.Errorf("the %s function links %s (%s); find the import with: go list -deps -f '{{.ImportPath}}: {{.Imports}}' %s | grep %s", fn, d, why, pkg, p)
				}
			}
			if strings.HasPrefix(d, "github.com/cassidine/site/cmd/") && d != "github.com/cassidine/site/cmd/"+fn {
				t.Errorf("the %s function links another command's package %s", fn, d)
			}
		}
	}
}

// TestBinarySize builds the function as Netlify does and checks its size.
func TestBinarySize(t *testing.T) {
	b := build(t)
	fi, err := os.Stat(b.bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s\n=> %d bytes (%.1f MB)", b.command, fi.Size(), float64(fi.Size())/1e6)
	if fi.Size() > maxBinarySize {
		t.Errorf("the function binary is %d bytes (%.1f MB); want at most %d (%.0f MB). See what weighs most with: go tool nm -size -sort size on a build without -s -w",
			fi.Size(), float64(fi.Size())/1e6, maxBinarySize, float64(maxBinarySize)/1e6)
	}
	out, err := exec.Command("go", "version", "-m", b.bin).Output()
	if err != nil {
		t.Fatalf("go version -m %s: %v", b.bin, err)
	}
	for _, want := range []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "-trimpath=true"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("go version -m: the binary was not built with %s:\n%s", want, out)
		}
	}
}

// TestRefusesToStart runs the built function as Lambda would, without the
// settings it cannot do without: it must exit at once with a message
// naming the variable, before it could lose a booking.
func TestRefusesToStart(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skipf("the function is built for linux/amd64; this is %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	b := build(t)
	// Nothing listens at either address: the function must give up on its
	// settings before it connects anywhere.
	lambdaEnv := []string{"AWS_LAMBDA_FUNCTION_NAME=api", "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9"}
	secret := "SITE_SECRET=" + strings.Repeat("s3cr3t", 8)
	db := "DATABASE_URL=postgres://nobody@127.0.0.1:9/none?connect_timeout=2"
	for _, tc := range []struct {
		name string
		env  []string
		want []string
	}{
		{"no database", []string{secret}, []string{"refusing to start", "DATABASE_URL"}},
		{"no secret", []string{db}, []string{"refusing to start", "SITE_SECRET"}},
		{"a short secret", []string{db, "SITE_SECRET=short"}, []string{"SITE_SECRET", "at least 32"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, b.bin)
			cmd.Dir = t.TempDir()
			cmd.Env = lambdatest.MinimalEnv(append(slices.Clone(lambdaEnv), tc.env...)...)
			out, err := cmd.CombinedOutput()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
				t.Fatalf("the function exited with %v; want exit status 1. Output:\n%s", err, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("the function's message does not say %q:\n%s", w, out)
				}
			}
			if entries, _ := os.ReadDir(cmd.Dir); len(entries) > 0 {
				t.Errorf("the function left files in its folder before refusing: %v", entries)
			}
		})
	}
}

// loadEvent reads testdata/name, an event in the shape Netlify sends.
func loadEvent(t testing.TB, name string) events.APIGatewayProxyRequest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayProxyRequest
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatalf("testdata/%s: %v", name, err)
	}
	return ev
}

// wantSecurityHeaders checks the function's response carries the site's
// whole security policy, the same values as _headers, and no-store.
func wantSecurityHeaders(t testing.TB, what string, got map[string]string) {
	t.Helper()
	for _, kv := range headers.Security {
		if got[kv[0]] != kv[1] {
			t.Errorf("%s: header %s = %q, want %q (internal/headers)", what, kv[0], got[kv[0]], kv[1])
		}
	}
	if got["Cache-Control"] != "no-store" {
		t.Errorf("%s: Cache-Control = %q, want no-store (answers are personal)", what, got["Cache-Control"])
	}
}

// TestHandlerThroughAdapter runs the function's own handler (over SQLite,
// as site serve does) behind the adapter with events in Netlify's shape.
func TestHandlerThroughAdapter(t *testing.T) {
	// The embedded site, as the function reads it on Netlify; SQLite as
	// ALLOW_EPHEMERAL_SQLITE allows.
	env := map[string]string{"DATA_DIR": t.TempDir(), "SITE_SECRET": strings.Repeat("k", 32), "URL": "https://cassidine.example", "ALLOW_EPHEMERAL_SQLITE": "1"}
	h, err := api.Open(t.Context(), api.Options{Getenv: func(k string) string { return env[k] }, Sources: theme.FromRoot(site.FS)})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	fn := lambdahttp.Handler(h)

	res, err := fn(t.Context(), loadEvent(t, "slots.json"))
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Headers["Content-Type"] != "application/json; charset=utf-8" || res.IsBase64Encoded {
		t.Errorf("GET /api/slots: status %d, Content-Type %q, base64 %v; want 200, JSON, text", res.StatusCode, res.Headers["Content-Type"], res.IsBase64Encoded)
	}
	var slots struct {
		TimeZone string            `json:"timeZone"`
		Slots    []json.RawMessage `json:"slots"`
	}
	if err := json.Unmarshal([]byte(res.Body), &slots); err != nil || slots.TimeZone == "" {
		t.Errorf("GET /api/slots body %q: want {timeZone, slots} (%v)", res.Body, err)
	}
	wantSecurityHeaders(t, "GET /api/slots", res.Headers)

	res, err = fn(t.Context(), loadEvent(t, "notfound.json"))
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusNotFound || !strings.HasPrefix(res.Headers["Content-Type"], "text/html") || !strings.Contains(res.Body, "Page not found") {
		t.Errorf("GET /api/nothing-here: status %d, Content-Type %q; want 404, the site's HTML page saying Page not found", res.StatusCode, res.Headers["Content-Type"])
	}
	wantSecurityHeaders(t, "GET /api/nothing-here", res.Headers)
	if len(res.MultiValueHeaders) != 0 {
		t.Errorf("multiValueHeaders = %v, want none", res.MultiValueHeaders)
	}
}
