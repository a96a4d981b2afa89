// Command lighthouse scores the site's pages with Lighthouse 12 on mobile
// and desktop and prints one table: the median of -runs runs of each
// category score, total blocking time, cumulative layout shift and largest
// contentful paint, then every audit that kept a page from full marks and
// a verdict against the targets. Run it from the repository root:
//
//	npm ci --prefix internal/e2e/lighthouse   # once: lighthouse@12.2.3, pinned
//	go run ./cmd/lighthouse                   # 7 pages x 2 form factors x 3 runs
//
// Without -url it builds ./cmd/site, runs `site serve -drafts=false
// -future=false` from the repository root on a free port with a fresh
// DATA_DIR (the quiz result it creates is stored there, not in .data), and
// stops it at the end. With -url it scores a serve already running there.
//
// The pages are home, the Fractional COO article, the first tag page the
// sitemap lists, /quiz/, a quiz result (made by posting the quiz form to
// /api/quiz and following its 303, as a browser without script would),
// /book/ and /about/. Chromium is CHROME_PATH, else /usr/bin/chromium,
// else chromium on PATH, run headless with the flags in chromeFlags.
//
// Targets: accessibility, best practices and SEO 100 on both form factors;
// performance 100 on desktop and at least 95 on mobile. One audit is
// expected to fail: a quiz result is a personal page, served with noindex
// on purpose, so SEO's is-crawlable fails there; the table marks it and the
// verdict leaves it out. The exit status is non-zero when a run fails or a
// target is missed. Every report (JSON) is kept in -out.
package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/html"

	"github.com/cassidine/site/internal/stats"
)

// chromeFlags are the flags Chromium runs with: headless, and none of the
// background traffic that would land in a trace.
const chromeFlags = "--headless=new --no-sandbox --disable-gpu --disable-background-networking " +
	"--disable-component-update --disable-sync --no-first-run"

// lighthouseJS is where npm ci --prefix internal/e2e/lighthouse puts the CLI.
const lighthouseJS = "internal/e2e/lighthouse/node_modules/lighthouse/cli/index.js"

// attempts is how often one run is tried before the whole run fails.
const attempts = 3

// categories are the scored categories, in the table's order.
var categories = []struct{ id, short string }{
	{"performance", "perf"}, {"accessibility", "a11y"}, {"best-practices", "bp"}, {"seo", "seo"},
}

// expected are the audits that fail by design, by page kind.
var expected = map[string]map[string]string{
	"quiz result": {"is-crawlable": "result pages are personal: noindex on purpose"},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "lighthouse:", err)
		os.Exit(1)
	}
}

// page is one page to score.
type page struct {
	kind, path string
}

// result is one page on one form factor, over its runs.
type result struct {
	page   page
	form   string
	scores map[string][]float64 // category → 0..100 per run
	tbt    []float64            // ms
	cls    []float64
	lcp    []float64      // ms
	bench  []float64      // Lighthouse's CPU benchmark index
	failed map[string]int // "category/audit (title)" → runs it failed in
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("lighthouse", flag.ContinueOnError)
	fset.SetOutput(stderr)
	base := fset.String("url", "", "score a site serve already running at `URL` (default: start one)")
	runs := fset.Int("runs", 3, "runs per page and form factor; the table shows medians")
	forms := fset.String("forms", "mobile,desktop", "form factors: mobile, desktop or both")
	only := fset.String("pages", "", "comma-separated page kinds to score (home, article, tag, quiz, quiz result, book, about); default all")
	out := fset.String("out", "", "folder for the JSON reports (default a new temporary folder)")
	perRun := fset.Duration("run-timeout", 2*time.Minute, "limit for one Lighthouse run")
	timeout := fset.Duration("timeout", 45*time.Minute, "limit for the whole run")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *runs < 1 {
		return errors.New("-runs: want at least 1")
	}
	var formList []string
	for f := range strings.SplitSeq(*forms, ",") {
		if f = strings.TrimSpace(f); f != "mobile" && f != "desktop" {
			return fmt.Errorf("-forms: %q is neither mobile nor desktop", f)
		}
		formList = append(formList, strings.TrimSpace(f))
	}
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run from the repository root")
	}
	if _, err := os.Stat(lighthouseJS); err != nil {
		return fmt.Errorf("no Lighthouse at %s: npm ci --prefix internal/e2e/lighthouse", lighthouseJS)
	}
	chrome := cmp.Or(getenv("CHROME_PATH"), "/usr/bin/chromium")
	if _, err := os.Stat(chrome); err != nil {
		if chrome, err = exec.LookPath("chromium"); err != nil {
			return errors.New("no Chromium: apt-get install chromium, or set CHROME_PATH")
		}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if *out == "" {
		dir, err := os.MkdirTemp("", "site-lighthouse-")
		if err != nil {
			return err
		}
		*out = dir
	} else if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}

	if *base == "" {
		u, stopServe, err := startServe(ctx, stderr)
		if err != nil {
			return err
		}
		defer stopServe()
		*base = u
	}
	root, err := url.Parse(*base)
	if err != nil || root.Scheme == "" || root.Host == "" {
		return fmt.Errorf("-url %q: want http://host:port/", *base)
	}
	pages, err := findPages(ctx, root)
	if err != nil {
		return err
	}
	if *only != "" {
		want := map[string]bool{}
		for k := range strings.SplitSeq(*only, ",") {
			want[strings.TrimSpace(k)] = true
		}
		pages = slices.DeleteFunc(pages, func(p page) bool { return !want[p.kind] })
		if len(pages) == 0 {
			return fmt.Errorf("-pages %q names no page", *only)
		}
	}
	ver, _ := exec.CommandContext(ctx, "node", lighthouseJS, "--version").Output()
	cver, _ := exec.CommandContext(ctx, chrome, "--version").Output()
	fmt.Fprintf(stdout, "lighthouse %s on %s, %s; %d run(s) each; reports in %s\n",
		strings.TrimSpace(string(ver)), strings.TrimSpace(string(cver)), root, *runs, *out)

	var results []*result
	for _, p := range pages {
		for _, form := range formList {
			r := &result{page: p, form: form, scores: map[string][]float64{}, failed: map[string]int{}}
			for i := range *runs {
				file := filepath.Join(*out, fmt.Sprintf("%s-%s-%d.json", strings.ReplaceAll(p.kind, " ", "-"), form, i+1))
				// Lighthouse now and then fails to record a trace
				// (NO_NAVSTART, NO_FCP): such a run is tried again.
				var err error
				for try := 1; try <= attempts; try++ {
					start := time.Now()
					err = lighthouse(ctx, *perRun, chrome, root.ResolveReference(&url.URL{Path: p.path}).String(), form, file)
					if err == nil {
						err = r.add(file)
					}
					if err == nil {
						fmt.Fprintf(stderr, "  %s %s run %d/%d: %s\n", p.path, form, i+1, *runs, time.Since(start).Round(100*time.Millisecond))
						break
					}
					if ctx.Err() != nil {
						return ctx.Err()
					}
					fmt.Fprintf(stderr, "  %s %s run %d/%d, try %d of %d failed: %v\n", p.path, form, i+1, *runs, try, attempts, err)
				}
				if err != nil {
					return fmt.Errorf("%s %s run %d: %w", p.path, form, i+1, err)
				}
			}
			results = append(results, r)
		}
	}
	if missed := report(stdout, results, *runs); missed > 0 {
		return fmt.Errorf("%d page and form factor pair(s) below target", missed)
	}
	return nil
}

// lighthouse runs one Lighthouse audit of u and writes its JSON to file.
func lighthouse(ctx context.Context, limit time.Duration, chrome, u, form, file string) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	args := []string{lighthouseJS, u,
		"--output=json", "--output-path=" + file, "--quiet",
		"--only-categories=performance,accessibility,best-practices,seo",
		"--chrome-flags=" + chromeFlags,
	}
	if form == "desktop" {
		args = append(args, "--preset=desktop")
	}
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Env = append(os.Environ(), "CHROME_PATH="+chrome)
	cmd.WaitDelay = 5 * time.Second
	var errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &errs
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%v\n%s", err, tail(errs.String(), 2000))
	}
	return nil
}

// lhr is the part of a Lighthouse result this program reads.
type lhr struct {
	RuntimeError *struct{ Code, Message string } `json:"runtimeError"`
	Environment  struct {
		BenchmarkIndex float64 `json:"benchmarkIndex"`
	} `json:"environment"`
	Categories map[string]struct {
		Score     *float64 `json:"score"`
		AuditRefs []struct {
			ID     string  `json:"id"`
			Weight float64 `json:"weight"`
		} `json:"auditRefs"`
	} `json:"categories"`
	Audits map[string]struct {
		Title        string   `json:"title"`
		Score        *float64 `json:"score"`
		ScoreMode    string   `json:"scoreDisplayMode"`
		NumericValue float64  `json:"numericValue"`
	} `json:"audits"`
}

// add reads one run's report.
func (r *result) add(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var l lhr
	if err := json.Unmarshal(data, &l); err != nil {
		return err
	}
	if l.RuntimeError != nil && l.RuntimeError.Code != "" && l.RuntimeError.Code != "NO_ERROR" {
		return fmt.Errorf("lighthouse: %s: %s", l.RuntimeError.Code, l.RuntimeError.Message)
	}
	for _, c := range categories {
		if cat, ok := l.Categories[c.id]; !ok || cat.Score == nil {
			return fmt.Errorf("no %s score", c.id)
		}
	}
	for _, c := range categories {
		cat := l.Categories[c.id]
		r.scores[c.id] = append(r.scores[c.id], *cat.Score*100)
		for _, ref := range cat.AuditRefs {
			a := l.Audits[ref.ID]
			// Metrics count in the performance score itself; list the
			// other audits that did not pass and carry weight, or that
			// failed outright (diagnostics like layout shifts).
			if a.Score == nil || *a.Score >= 1 || a.ScoreMode == "informative" || a.ScoreMode == "notApplicable" || a.ScoreMode == "manual" {
				continue
			}
			if ref.Weight == 0 && *a.Score >= 0.9 {
				continue
			}
			r.failed[fmt.Sprintf("%s/%s (%s)", c.short, ref.ID, a.Title)]++
		}
	}
	r.tbt = append(r.tbt, l.Audits["total-blocking-time"].NumericValue)
	r.cls = append(r.cls, l.Audits["cumulative-layout-shift"].NumericValue)
	r.lcp = append(r.lcp, l.Audits["largest-contentful-paint"].NumericValue)
	r.bench = append(r.bench, l.Environment.BenchmarkIndex)
	return nil
}

// report prints the table, the audits that failed and the verdict, and
// returns how many rows missed their target.
func report(w io.Writer, results []*result, runs int) (missed int) {
	fmt.Fprintf(w, "\nmedian of %d run(s); scores 0-100, TBT and LCP in ms (mobile: simulated slow 4G and 4x CPU slowdown);\n"+
		"cpu is Lighthouse's benchmark index of the machine during the runs (under ~1000: busy, TBT inflated)\n\n", runs)
	fmt.Fprintf(w, "%-46s %-7s %5s %5s %5s %5s %7s %6s %6s %5s  %s\n", "page", "form", "perf", "a11y", "bp", "seo", "TBT", "CLS", "LCP", "cpu", "verdict")
	var notes []string
	for _, r := range results {
		med := func(xs []float64) float64 { return stats.Percentile(xs, 50) }
		score := map[string]float64{}
		for _, c := range categories {
			score[c.id] = med(r.scores[c.id])
		}
		exp := expected[r.page.kind]
		var misses []string
		perfTarget := 100.0
		if r.form == "mobile" {
			perfTarget = 95
		}
		if score["performance"] < perfTarget {
			misses = append(misses, fmt.Sprintf("perf %.0f < %.0f", score["performance"], perfTarget))
		}
		seoMark := ""
		for _, c := range categories[1:] {
			if score[c.id] >= 100 {
				continue
			}
			if c.id == "seo" && onlyExpected(r.failed, exp) {
				seoMark = "*"
				continue
			}
			misses = append(misses, fmt.Sprintf("%s %.0f < 100", c.short, score[c.id]))
		}
		verdict := "ok"
		if len(misses) > 0 {
			verdict = "BELOW: " + strings.Join(misses, ", ")
			missed++
		}
		name := r.page.kind + " " + r.page.path
		fmt.Fprintf(w, "%-46s %-7s %5.0f %5.0f %5.0f %5s %7.0f %6.3f %6.0f %5.0f  %s\n", trunc(name, 46), r.form,
			score["performance"], score["accessibility"], score["best-practices"], fmt.Sprintf("%.0f%s", score["seo"], seoMark),
			med(r.tbt), med(r.cls), med(r.lcp), med(r.bench), verdict)
		for _, k := range slices.Sorted(maps.Keys(r.failed)) {
			note := fmt.Sprintf("  %s %s: %s failed in %d of %d run(s)", r.page.path, r.form, k, r.failed[k], runs)
			if why, ok := exp[auditID(k)]; ok {
				note += ": expected, " + why
			}
			notes = append(notes, note)
		}
	}
	if len(notes) > 0 {
		fmt.Fprintf(w, "\naudits that did not pass:\n%s\n", strings.Join(notes, "\n"))
	}
	fmt.Fprintln(w, "\n* SEO below 100 only through an expected audit (see above); counted as on target.")
	fmt.Fprintln(w, "targets: a11y, bp, seo 100 on both; perf 100 on desktop, at least 95 on mobile")
	return missed
}

// onlyExpected reports whether every failed SEO audit is an expected one.
func onlyExpected(failed map[string]int, exp map[string]string) bool {
	any := false
	for k := range failed {
		if !strings.HasPrefix(k, "seo/") {
			continue
		}
		if _, ok := exp[auditID(k)]; !ok {
			return false
		}
		any = true
	}
	return any
}

// auditID takes the audit's id from a "category/id (title)" key.
func auditID(k string) string {
	_, id, _ := strings.Cut(k, "/")
	id, _, _ = strings.Cut(id, " ")
	return id
}

func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// ---- the site: site serve, and the pages to score ----

var servingRE = regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+/)`)

// startServe builds ./cmd/site and runs site serve on a free port with a
// fresh DATA_DIR; stop ends it (SIGINT) and removes its folders.
func startServe(ctx context.Context, stderr io.Writer) (string, func(), error) {
	tmp, err := os.MkdirTemp("", "site-lighthouse-serve-")
	if err != nil {
		return "", nil, err
	}
	bin := filepath.Join(tmp, "site")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/site").CombinedOutput(); err != nil {
		os.RemoveAll(tmp)
		return "", nil, fmt.Errorf("go build ./cmd/site: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "-addr", "127.0.0.1:0", "-drafts=false", "-future=false")
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DATABASE_URL", "NETLIFY_DB_URL", "NETLIFY_DATABASE_URL", "DATA_DIR", "SMTP_URL", "MAIL_FROM", "NOTIFY_EMAIL", "CALENDAR_URLS", "SITE_SECRET":
			continue // a local SQLite store and .eml files under tmp; no real calendars
		}
		env = append(env, kv)
	}
	cmd.Env = append(env, "DATA_DIR="+filepath.Join(tmp, "data"))
	logs := &bytes.Buffer{}
	cmd.Stderr = logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		os.RemoveAll(tmp)
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(tmp)
		return "", nil, err
	}
	exited := make(chan struct{})
	urls := make(chan string, 1)
	go func() {
		buf := make([]byte, 4096)
		var seen []byte
		for {
			n, err := stdout.Read(buf)
			seen = append(seen, buf[:n]...)
			if m := servingRE.FindSubmatch(seen); m != nil {
				select {
				case urls <- string(m[1]):
				default:
				}
			}
			if err != nil {
				return
			}
			if len(seen) > 1<<16 {
				seen = seen[len(seen)-4096:]
			}
		}
	}()
	go func() { cmd.Wait(); close(exited) }()
	stop := func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		os.RemoveAll(tmp)
	}
	select {
	case u := <-urls:
		fmt.Fprintf(stderr, "site serve: %s\n", u)
		return u, stop, nil
	case <-exited:
		os.RemoveAll(tmp)
		return "", nil, fmt.Errorf("site serve exited:\n%s", logs)
	case <-time.After(2 * time.Minute):
		stop()
		return "", nil, errors.New("site serve printed no address within 2 minutes")
	case <-ctx.Done():
		stop()
		return "", nil, ctx.Err()
	}
}

// findPages lists the pages to score: the fixed ones, a real tag from the
// sitemap and a fresh quiz result.
func findPages(ctx context.Context, root *url.URL) ([]page, error) {
	c := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(p string) ([]byte, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", root.ResolveReference(&url.URL{Path: p}).String(), nil)
		res, err := c.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %s", p, res.Status)
		}
		return io.ReadAll(res.Body)
	}
	sitemap, err := get("/sitemap.xml")
	if err != nil {
		return nil, err
	}
	tag := regexp.MustCompile(`/tags/[^/<]+/`).Find(sitemap)
	if tag == nil {
		return nil, errors.New("the sitemap lists no tag page")
	}
	quizPage, err := get("/quiz/")
	if err != nil {
		return nil, err
	}
	form, err := quizForm(quizPage)
	if err != nil {
		return nil, err
	}
	req, _ := http.NewRequestWithContext(ctx, "POST", root.ResolveReference(&url.URL{Path: "/api/quiz"}).String(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	loc, err := res.Location()
	if res.StatusCode != http.StatusSeeOther || err != nil {
		return nil, fmt.Errorf("POST /api/quiz: got %s, want 303 See Other to the result", res.Status)
	}
	return []page{
		{"home", "/"},
		{"article", "/articles/what-is-a-fractional-coo/"},
		{"tag", string(tag)},
		{"quiz", "/quiz/"},
		{"quiz result", loc.Path},
		{"book", "/book/"},
		{"about", "/about/"},
	}, nil
}

// quizForm answers the quiz page's form as a visitor would: its other
// fields as they are (the honeypot empty) and, for each statement, the
// middle choice.
func quizForm(page []byte) (url.Values, error) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, err
	}
	v := url.Values{}
	radios := map[string][]string{}
	var names []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "input" {
			a := map[string]string{}
			for _, at := range n.Attr {
				a[at.Key] = at.Val
			}
			switch a["type"] {
			case "radio":
				if _, ok := radios[a["name"]]; !ok {
					names = append(names, a["name"])
				}
				radios[a["name"]] = append(radios[a["name"]], a["value"])
			default: // hidden and text fields keep their values
				v.Set(a["name"], a["value"])
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if len(names) == 0 {
		return nil, errors.New("/quiz/ has no statements to answer")
	}
	for _, name := range names {
		vals := radios[name]
		v.Set(name, vals[len(vals)/2])
	}
	return v, nil
}
