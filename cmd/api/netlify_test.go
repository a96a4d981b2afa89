package main

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cassidine/site/internal/headers"
	"github.com/cassidine/site/internal/lambdahttp/lambdatest"
	"github.com/cassidine/site/internal/netlify"
)

// contexts are the commands netlify.toml must define: the default
// ([build]) and the deploy contexts, with the base URL each must build with
// and whether drafts and scheduled articles are shown.
var contexts = []struct {
	name    string // "" is [build]
	baseURL string
	drafts  bool
}{
	{"", "$URL", false},
	{"production", "$URL", false},
	{"deploy-preview", "$DEPLOY_PRIME_URL", true},
	{"branch-deploy", "$DEPLOY_PRIME_URL", false},
}

// TestNetlifyConfig checks netlify.toml: the build in every context (site
// first, then every function of lambdatest.Functions as static
// linux/amd64 binaries into the functions folder), the publish and
// functions folders, the schedules, the Go version, and that routing and
// headers are left to the generated files.
func TestNetlifyConfig(t *testing.T) {
	root := repoRoot(t)
	c := netlifyConfig(t, root)

	if c.Build.Publish != "public" {
		t.Errorf("build.publish = %q, want public (where site build writes)", c.Build.Publish)
	}
	fnDir := c.FunctionsDir()
	if fnDir != "netlify/functions-build" {
		t.Errorf("functions.directory = %q, want netlify/functions-build (gitignored)", fnDir)
	}
	for name, schedule := range lambdatest.Scheduled {
		if got := c.Function(name)["schedule"]; got != schedule {
			t.Errorf(`functions."%s".schedule = %v, want %q`, name, got, schedule)
		}
	}
	for name := range c.Functions {
		if name != "directory" && !slices.Contains(lambdatest.Functions, name) {
			t.Errorf(`functions."%s": no such function is built`, name)
		}
		if schedule, ok := c.Function(name)["schedule"]; ok && lambdatest.Scheduled[name] == "" {
			t.Errorf(`functions."%s".schedule = %v, but lambdatest.Scheduled has no schedule for it`, name, schedule)
		}
	}

	for _, ctx := range contexts {
		what, command := "[build] command", c.Build.Command
		if ctx.name != "" {
			what = "[context." + ctx.name + "] command"
			cc, ok := c.Context[ctx.name]
			if !ok {
				t.Errorf("netlify.toml has no [context.%s]: that context would build with [build]'s base URL", ctx.name)
				continue
			}
			command = cc.Command
		}
		site := "go run ./cmd/site build -baseurl \"" + ctx.baseURL + "\""
		if ctx.drafts {
			site = "go run ./cmd/site build -drafts -future -baseurl \"" + ctx.baseURL + "\""
		}
		want := site
		for _, fn := range lambdatest.Functions {
			want += " && " + lambdatest.FunctionCommand(fn, fnDir)
		}
		if got := oneLine(command); got != want {
			t.Errorf("%s is\n\t%s\nwant\n\t%s\n(the site at this deploy's address%s; the functions as lambdatest.FunctionBuild builds them)",
				what, got, want, map[bool]string{true: ", drafts and scheduled articles shown with a badge", false: ""}[ctx.drafts])
		}
	}

	for _, r := range c.Redirects {
		if strings.HasPrefix(r.From, "/api") || strings.HasPrefix(r.From, "/quiz/result") || strings.HasPrefix(r.To, "/.netlify/functions/") {
			t.Errorf("netlify.toml redirects %s → %s: the build's _redirects has the function's rules (internal/build); a second copy here could only disagree", r.From, r.To)
		}
	}
	for _, h := range c.Headers {
		t.Errorf("netlify.toml sets headers for %s: the policy lives in internal/headers, which writes _headers; headers here would be merged with it", h.For)
	}
}

// oneLine joins a shell command's continued lines and spaces.
func oneLine(command string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(command, "\\\n", " ")), " ")
}

var (
	goLine        = regexp.MustCompile(`(?m)^go (\d+\.\d+(?:\.\d+)?)\s*$`)
	toolchainLine = regexp.MustCompile(`(?m)^toolchain go(\d+\.\d+\.\d+)\s*$`)
	fullVersion   = regexp.MustCompile(`^\d+\.\d+\.\d+$`)
)

// TestGoVersion: Netlify's GO_VERSION is a full patch version (a short
// one falls back to an old Go), the toolchain go.mod names when it names
// one, and otherwise a release of go.mod's Go at or after its go line.
func TestGoVersion(t *testing.T) {
	root := repoRoot(t)
	c := netlifyConfig(t, root)
	gv := c.Build.Environment["GO_VERSION"]
	if !fullVersion.MatchString(gv) {
		t.Fatalf("build.environment.GO_VERSION = %q; want a full version such as 1.26.8", gv)
	}
	for name, cc := range c.Context {
		if v, ok := cc.Environment["GO_VERSION"]; ok && v != gv {
			t.Errorf("[context.%s.environment] GO_VERSION = %q, but [build.environment] says %q", name, v, gv)
		}
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := goLine.FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	goVer := string(m[1])
	if tc := toolchainLine.FindSubmatch(mod); tc != nil {
		if string(tc[1]) != gv {
			t.Errorf("GO_VERSION = %s, but go.mod says toolchain go%s: Netlify would build with another Go than CI", gv, tc[1])
		}
	}
	if cmpVersion(gv, goVer) < 0 {
		t.Errorf("GO_VERSION = %s is older than go.mod's go %s", gv, goVer)
	}
	if minor(gv) != minor(goVer) {
		t.Errorf("GO_VERSION = %s is not a release of go.mod's Go %s", gv, minor(goVer))
	}
}

func minor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	return parts[0] + "." + parts[1]
}

func cmpVersion(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range 3 {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

// TestRedirects checks the built _redirects: the function's rewrites,
// once each, as Netlify resolves them.
func TestRedirects(t *testing.T) {
	b := build(t)
	data, err := os.ReadFile(filepath.Join(b.site, "_redirects"))
	if err != nil {
		t.Fatal(err)
	}
	rules, err := netlify.ParseRedirects(data)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, r := range rules {
		count[r.From]++
		switch r.From {
		case "/api/*":
			if r.To != "/.netlify/functions/api/:splat" || r.Status != 200 || r.Force {
				t.Errorf("_redirects: /api/* → %s %d (force %v); want /.netlify/functions/api/:splat 200, a rewrite", r.To, r.Status, r.Force)
			}
		case "/quiz/result/*":
			if r.To != "/.netlify/functions/api/quiz/result/:splat" || r.Status != 200 {
				t.Errorf("_redirects: /quiz/result/* → %s %d; want /.netlify/functions/api/quiz/result/:splat 200", r.To, r.Status)
			}
		}
	}
	for _, from := range []string{"/api/*", "/quiz/result/*"} {
		if count[from] != 1 {
			t.Errorf("_redirects has %d rules from %s, want exactly 1", count[from], from)
		}
	}
	for path, want := range map[string]string{
		"/api/quiz":                     "/.netlify/functions/api/quiz",
		"/api/slots?from=2026-06-01":    "/.netlify/functions/api/slots?from=2026-06-01",
		"/api/book/cancel?b=x&t=y":      "/.netlify/functions/api/book/cancel?b=x&t=y",
		"/quiz/result/0123456789abcde/": "/.netlify/functions/api/quiz/result/0123456789abcde/",
	} {
		u, _ := url.Parse(path)
		r, got, ok := netlify.Resolve(rules, u, func(string) bool { return false })
		// A trailing slash may or may not reach the splat; the function
		// answers both.
		if !ok || (got != want && got+"/" != want) || r.Status != 200 {
			t.Errorf("%s resolves to %q (status %d, matched %v); want %s by a 200 rewrite", path, got, r.Status, ok, want)
		}
	}
}

// TestHeaders checks every header of the built _headers, and that the
// function sends the same policy.
func TestHeaders(t *testing.T) {
	b := build(t)
	data, err := os.ReadFile(filepath.Join(b.site, "_headers"))
	if err != nil {
		t.Fatal(err)
	}
	rules, err := netlify.ParseHeaders(data)
	if err != nil {
		t.Fatal(err)
	}
	assets, _ := filepath.Glob(filepath.Join(b.site, "assets", "*"))
	if len(assets) == 0 {
		t.Fatal("the built site has no /assets/ files")
	}
	paths := map[string]bool{ // path → is a fingerprinted asset
		"/": false, "/articles/": false, "/quiz/": false, "/book/": false, "/404.html": false,
		"/feed.xml": false, "/sitemap.xml": false, "/favicon.svg": false, "/images/x.png": false,
	}
	for _, a := range assets {
		paths["/assets/"+filepath.Base(a)] = true
	}
	for path, asset := range paths {
		h := http.Header{}
		netlify.ApplyHeaders(rules, path, h)
		checkPolicy(t, "_headers for "+path, h)
		cc := h.Get("Cache-Control")
		if asset {
			if cc != "public, max-age=31536000, immutable" {
				t.Errorf("_headers for %s: Cache-Control %q; want public, max-age=31536000, immutable (a fingerprinted asset)", path, cc)
			}
		} else if !strings.Contains(cc, "max-age=0") || !strings.Contains(cc, "must-revalidate") || strings.Contains(cc, "immutable") {
			t.Errorf("_headers for %s: Cache-Control %q; want revalidation (max-age=0, must-revalidate) so a deploy shows at once", path, cc)
		}
	}
	for _, r := range rules {
		for _, kv := range r.Headers {
			if strings.EqualFold(kv[0], "Cache-Control") && strings.Contains(kv[1], "immutable") && r.Pattern != "/assets/*" {
				t.Errorf("_headers: %s gets immutable caching; only /assets/* (fingerprinted) may", r.Pattern)
			}
		}
	}

	// The function's policy (internal/headers) is the file's, header by header.
	site := http.Header{}
	netlify.ApplyHeaders(rules, "/quiz/", site)
	fn := http.Header{}
	headers.Set(fn)
	for k := range fn {
		if fn.Get(k) != site.Get(k) {
			t.Errorf("%s: the function sends %q, _headers %q", k, fn.Get(k), site.Get(k))
		}
	}
	checkPolicy(t, "the function's headers", fn)
}

// checkPolicy checks the security headers one by one.
func checkPolicy(t *testing.T, what string, h http.Header) {
	t.Helper()
	checkCSP(t, what, h.Get("Content-Security-Policy"))

	hsts := h.Get("Strict-Transport-Security")
	m := regexp.MustCompile(`(?i)max-age=(\d+)`).FindStringSubmatch(hsts)
	if m == nil || atoi(m[1]) < 31536000 || !strings.Contains(strings.ToLower(hsts), "includesubdomains") {
		t.Errorf("%s: Strict-Transport-Security %q; want max-age of a year or more and includeSubDomains", what, hsts)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q, want nosniff", what, got)
	}
	if got := h.Get("Referrer-Policy"); !slices.Contains([]string{"strict-origin-when-cross-origin", "strict-origin", "same-origin", "no-referrer"}, got) {
		t.Errorf("%s: Referrer-Policy %q; want one that sends no path across origins", what, got)
	}
	pp := h.Get("Permissions-Policy")
	for _, f := range []string{"camera=()", "microphone=()", "geolocation=()", "payment=()"} {
		if !strings.Contains(pp, f) {
			t.Errorf("%s: Permissions-Policy %q does not turn off %s", what, pp, f)
		}
	}
	if got := h.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("%s: X-Frame-Options %q, want DENY (frame-ancestors for old browsers)", what, got)
	}
}

// checkCSP parses a Content-Security-Policy and checks that it allows the
// site's own origin only: no inline code, no other origins, no framing,
// forms and <base> only to itself.
func checkCSP(t *testing.T, what, csp string) {
	t.Helper()
	dirs := map[string][]string{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			dirs[strings.ToLower(f[0])] = f[1:]
		}
	}
	for dir, want := range map[string]string{
		"default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "object-src": "'none'",
		"form-action": "'self'", "frame-ancestors": "'none'", "base-uri": "'self'",
	} {
		if got := strings.Join(dirs[dir], " "); got != want {
			t.Errorf("%s: CSP %s %q, want %q", what, dir, got, want)
		}
	}
	for dir, sources := range dirs {
		for _, s := range sources {
			switch {
			case s == "'self'" || s == "'none'":
			case s == "data:" && dir == "img-src": // the quiz chart's inline SVG and small images
			default:
				t.Errorf("%s: CSP %s allows %s; want only 'self' (no inline code, no third-party origins)", what, dir, s)
			}
		}
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
