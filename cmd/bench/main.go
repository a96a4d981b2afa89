// Command bench times this project's site builder against Hugo on generated
// corpora in one run and prints the ratios.
//
// Run it from the repository root:
//
//	go run ./cmd/bench -n 1000,10000 -runs 5
//
// For each article count N it generates a corpus once with
// SHARED/gencorpus.py into WORK/N/corpus (reused on later runs: the same
// arguments give the same bytes), copies SHARED/peers/hugo plus the corpus
// into WORK/N/hugo, does one untimed warm-up build per tool, then -runs timed
// builds per tool, interleaved (site, hugo, site, hugo, ...) so both share
// the machine's noise. Each build starts from an empty output directory.
//
// The builders are run as:
//
//	site: cd REPO && TMP/site build -content WORK/N/corpus/content -out WORK/N/site-out -quiet
//	hugo: cd WORK/N/hugo && hugo --minify --quiet -d public
//
// where TMP/site is built once at start with `go build -o TMP/site ./cmd/site`
// (only when site is among -tools). Wall time is measured around the child
// process; peak RSS is the child's ru_maxrss from wait4 (Linux reports KiB).
//
// Flags:
//
//	-n       comma-separated article counts (default 1000,10000)
//	-runs    timed runs per tool per size (default 5)
//	-work    work directory (default $TMPDIR/site-bench)
//	-shared  shared bench folder (default ../shared/bench next to the repo root)
//	-tools   comma-separated tools among site,hugo (default site,hugo)
//
// Output is plain text, one fact per line. The targets (hugo/site wall >= 5x,
// peak RSS site/hugo < 1) are reported, not enforced: the exit status is
// non-zero only when something fails (a build, corpus generation, bad flags).
//
// # Reload mode
//
//	go run ./cmd/bench -mode reload -n 1000 -edits 20
//
// times live reload instead: from saving an article to an open page being
// told to reload. It copies the corpus of the one size -n gives (default
// 1000 in this mode) into a scratch folder per tool (the cached corpus is
// never edited), then runs both dev servers at once:
//
//	site: cd REPO && TMP/site serve -addr 127.0.0.1:0 -content SCRATCH/site/content
//	hugo: cd SCRATCH/hugo && hugo server --port P --bind 127.0.0.1 --disableFastRender=false
//
// It waits for site's "serving http://..." line and subscribes to its
// server-sent events (GET /_site/events, "event: reload"); it polls Hugo's
// home page until 200 (Hugo's first build is done), connects to its
// LiveReload websocket (ws://127.0.0.1:P/livereload), sends the LiveReload
// hello and waits for Hugo's. Then, after one untimed warm-up edit per tool,
// for each edit kind (body: one sentence of the body rewritten; title: the
// title: line rewritten, which changes lists, tags and feeds too) it makes
// -edits edits, each to a different article, the same articles for both
// tools, interleaved (site, hugo, site, ...). Each edit GETs the article's
// page first (an author has it open: Hugo's fast render re-renders only
// visited pages), then times from just before rewriting the file to the
// first reload message, and pauses -pause before the next edit so no two
// edits merge. It prints each latency, then the median, p90, min and max per
// tool and kind, and the hugo/site ratio of medians against site's targets
// (body < 50 ms, title < 150 ms). Both servers are stopped (interrupt, then
// kill) at the end, on error and on Ctrl+C; the whole run is bounded by
// -timeout. Everything listens on and talks to 127.0.0.1 only.
//
// Reload flags (-runs does not apply):
//
//	-mode     build (default) or reload
//	-edits    timed edits per edit kind per tool (default 20)
//	-pause    pause after each reload before the next edit (default 300ms)
//	-timeout  limit for the whole run (default 5m; build mode is limited
//	          only when -timeout is given)
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cassidine/site/internal/runenv"
	"github.com/cassidine/site/internal/stats"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// errUsage reports bad flags; the flag package has already printed why.
var errUsage = errors.New("usage")

// Targets the ratio lines are compared against.
const (
	wallTarget = 5.0 // hugo/site wall time at least this
	rssTarget  = 1.0 // site/hugo peak RSS below this
)

var knownTools = []string{"site", "hugo"}

type config struct {
	counts []int
	runs   int
	work   string // absolute
	shared string // absolute
	tools  []string
	root   string // repository root (holds go.mod), absolute

	mode  string        // "build" or "reload"
	edits int           // reload: timed edits per edit kind per tool
	pause time.Duration // reload: pause after each reload
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) (err error) {
	fset := flag.NewFlagSet("bench", flag.ContinueOnError)
	fset.SetOutput(stderr)
	nFlag := fset.String("n", "1000,10000", "comma-separated article counts")
	runs := fset.Int("runs", 5, "timed runs per tool per size")
	work := fset.String("work", "", "work directory (default $TMPDIR/site-bench)")
	shared := fset.String("shared", "", "shared bench folder (default ../shared/bench relative to the repo root)")
	toolsFlag := fset.String("tools", "site,hugo", "comma-separated tools: site,hugo")
	mode := fset.String("mode", "build", "build: time full builds; reload: time live reloads after edits (site serve vs hugo server)")
	edits := fset.Int("edits", 20, "reload mode: timed edits per edit kind (body, title) per tool")
	pause := fset.Duration("pause", 300*time.Millisecond, "reload mode: pause after each reload before the next edit")
	timeout := fset.Duration("timeout", 5*time.Minute, "limit for the whole run (build mode: only when given)")
	fset.Usage = func() {
		fmt.Fprintln(fset.Output(), "usage: go run ./cmd/bench [-n 1000,10000] [-runs 5] [-work DIR] [-shared DIR] [-tools site,hugo]")
		fmt.Fprintln(fset.Output(), "       go run ./cmd/bench -mode reload [-n 1000] [-edits 20] [-pause 300ms] [-timeout 5m] [-work DIR] [-shared DIR] [-tools site,hugo]")
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "bench: unexpected arguments: %q\n", fset.Args())
		fset.Usage()
		return errUsage
	}

	given := map[string]bool{}
	fset.Visit(func(f *flag.Flag) { given[f.Name] = true })
	cfg := config{runs: *runs, mode: *mode, edits: *edits, pause: *pause}
	reload := cfg.mode == "reload"
	if cfg.mode != "build" && !reload {
		return fmt.Errorf("-mode: got %q, want build or reload", cfg.mode)
	}
	if reload && !given["n"] {
		*nFlag = "1000"
	}
	if cfg.counts, err = parseCounts(*nFlag); err != nil {
		return fmt.Errorf("-n: %w", err)
	}
	if cfg.runs < 1 {
		return fmt.Errorf("-runs: got %d, want at least 1", cfg.runs)
	}
	if reload {
		if len(cfg.counts) != 1 {
			return fmt.Errorf("-n: got %d article counts, want one in reload mode", len(cfg.counts))
		}
		if cfg.edits < 1 {
			return fmt.Errorf("-edits: got %d, want at least 1", cfg.edits)
		}
		if cfg.pause < 0 {
			return fmt.Errorf("-pause: got %s, want at least 0", cfg.pause)
		}
	}
	if reload || given["timeout"] {
		if *timeout <= 0 {
			return fmt.Errorf("-timeout: got %s, want more than 0", *timeout)
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
		defer func() {
			if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
				err = fmt.Errorf("stopped after -timeout %s: %w", *timeout, err)
			}
		}()
	}
	if cfg.tools, err = parseTools(*toolsFlag); err != nil {
		return fmt.Errorf("-tools: %w", err)
	}
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	if cfg.root, err = runenv.ModuleRoot(cwd); err != nil {
		return err
	}
	cfg.work = *work
	if cfg.work == "" {
		cfg.work = filepath.Join(runenv.TempDir(getenv), "site-bench")
	}
	cfg.shared = *shared
	if cfg.shared == "" {
		cfg.shared = filepath.Join(cfg.root, "..", "shared", "bench")
	}
	for _, p := range []*string{&cfg.work, &cfg.shared} {
		if *p, err = filepath.Abs(*p); err != nil {
			return err
		}
	}

	fmt.Fprintf(stdout, "bench: %s %s/%s, %d CPUs\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	fmt.Fprintf(stdout, "repo: %s\n", cfg.root)
	fmt.Fprintf(stdout, "work: %s\n", cfg.work)
	fmt.Fprintf(stdout, "shared: %s\n", cfg.shared)
	if reload {
		fmt.Fprintf(stdout, "mode: reload, %d timed edits per edit kind (%s) per tool, after 1 untimed warm-up; pause %s; timeout %s\n",
			cfg.edits, editKindNames(), cfg.pause, *timeout)
	} else {
		fmt.Fprintf(stdout, "runs: %d timed per tool per size, after 1 untimed warm-up\n", cfg.runs)
	}

	hugoPath := ""
	if slices.Contains(cfg.tools, "hugo") {
		hugoPath, err = exec.LookPath("hugo")
		if err != nil {
			fmt.Fprintln(stdout, "hugo: not installed (apt-get install hugo)")
			cfg.tools = slices.DeleteFunc(cfg.tools, func(t string) bool { return t == "hugo" })
		} else {
			fmt.Fprintf(stdout, "hugo: %s\n", toolVersion(ctx, hugoPath, "version"))
		}
	}
	if len(cfg.tools) == 0 {
		return errors.New("no tool left to run")
	}
	if err := os.MkdirAll(cfg.work, 0o755); err != nil {
		return err
	}

	siteBin := ""
	if slices.Contains(cfg.tools, "site") {
		binDir, err := os.MkdirTemp(cfg.work, "bin-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(binDir)
		siteBin = filepath.Join(binDir, "site")
		start := time.Now()
		build := exec.CommandContext(ctx, "go", "build", "-o", siteBin, "./cmd/site")
		build.Dir = cfg.root
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("building ./cmd/site: %v\n%s", err, bytes.TrimSpace(out))
		}
		fmt.Fprintf(stdout, "site: built in %s: cd %s && go build -o %s ./cmd/site\n",
			time.Since(start).Round(time.Millisecond), runenv.ShellQuote(cfg.root), runenv.ShellQuote(siteBin))
	}

	if reload {
		n := cfg.counts[0]
		if err := benchReload(ctx, cfg, n, siteBin, hugoPath, stdout); err != nil {
			return fmt.Errorf("reload n=%d: %w", n, err)
		}
		return nil
	}
	for _, n := range cfg.counts {
		if err := benchSize(ctx, cfg, n, siteBin, hugoPath, stdout); err != nil {
			return fmt.Errorf("n=%d: %w", n, err)
		}
	}
	return nil
}

// tool is one builder invocation: argv run in dir, writing into out.
type tool struct {
	name string
	dir  string
	argv []string
	out  string
}

// sample is one timed build.
type sample struct {
	wall   time.Duration
	rssKiB int64
}

func benchSize(ctx context.Context, cfg config, n int, siteBin, hugoPath string, stdout io.Writer) error {
	dir := filepath.Join(cfg.work, strconv.Itoa(n))
	corpus := filepath.Join(dir, "corpus")
	fmt.Fprintf(stdout, "\n== n=%d ==\n", n)
	if err := ensureCorpus(ctx, cfg.shared, corpus, n, stdout); err != nil {
		return err
	}
	content := filepath.Join(corpus, "content")

	var tools []tool
	for _, name := range cfg.tools {
		switch name {
		case "site":
			out := filepath.Join(dir, "site-out")
			tools = append(tools, tool{
				name: "site",
				dir:  cfg.root,
				argv: []string{siteBin, "build", "-content", content, "-out", out, "-quiet"},
				out:  out,
			})
		case "hugo":
			hdir := filepath.Join(dir, "hugo")
			if err := prepareHugo(filepath.Join(cfg.shared, "peers", "hugo"), content, hdir); err != nil {
				return err
			}
			tools = append(tools, tool{
				name: "hugo",
				dir:  hdir,
				argv: []string{hugoPath, "--minify", "--quiet", "-d", "public"},
				out:  filepath.Join(hdir, "public"),
			})
		}
	}
	for _, t := range tools {
		fmt.Fprintf(stdout, "%s command: cd %s && %s\n", t.name, runenv.ShellQuote(t.dir), runenv.ShellQuote(t.argv...))
	}

	for _, t := range tools {
		s, err := runTool(ctx, t)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "n=%d warm-up %s: %d ms, %s MiB peak RSS (untimed)\n", n, t.name, s.wall.Milliseconds(), mib(s.rssKiB))
	}
	samples := make(map[string][]sample, len(tools))
	for r := 1; r <= cfg.runs; r++ {
		for _, t := range tools {
			s, err := runTool(ctx, t)
			if err != nil {
				return err
			}
			samples[t.name] = append(samples[t.name], s)
			fmt.Fprintf(stdout, "n=%d run %d/%d %s: %d ms, %s MiB peak RSS\n", n, r, cfg.runs, t.name, s.wall.Milliseconds(), mib(s.rssKiB))
		}
	}

	sums := make(map[string]summary, len(tools))
	for _, t := range tools {
		pages, size, err := countHTML(t.out)
		if err != nil {
			return err
		}
		s := summarize(samples[t.name])
		s.pages = pages
		sums[t.name] = s
		fmt.Fprintf(stdout, "n=%d %s output: %d html pages, %d html bytes\n", n, t.name, pages, size)
	}

	fmt.Fprintf(stdout, "results n=%d (%d runs each):\n", n, cfg.runs)
	fmt.Fprintln(stdout, tableHeader())
	for _, t := range tools {
		fmt.Fprintln(stdout, tableRow(t.name, sums[t.name]))
	}
	site, okSite := sums["site"]
	hugo, okHugo := sums["hugo"]
	if okSite && okHugo {
		fmt.Fprintln(stdout, wallRatioLine(hugo.median, site.median))
		fmt.Fprintln(stdout, rssRatioLine(site.rssKiB, hugo.rssKiB))
	}
	return nil
}

// ensureCorpus generates n articles into corpus unless a complete corpus of
// that size is already there. It generates into a temporary sibling and
// renames it, so an interrupted run never leaves a half-written corpus behind.
func ensureCorpus(ctx context.Context, shared, corpus string, n int, stdout io.Writer) error {
	articles := filepath.Join(corpus, "content", "articles")
	have, err := countFiles(articles, ".md")
	switch {
	case err == nil && have == n:
		fmt.Fprintf(stdout, "corpus: reusing %s (%d articles)\n", corpus, n)
		return nil
	case err == nil:
		fmt.Fprintf(stdout, "corpus: %s has %d articles, want %d: regenerating\n", corpus, have, n)
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if err := os.RemoveAll(corpus); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(corpus), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(corpus), "corpus-tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	start := time.Now()
	gen := exec.CommandContext(ctx, "python3", filepath.Join(shared, "gencorpus.py"), "-n", strconv.Itoa(n), "-o", tmp)
	if out, err := gen.CombinedOutput(); err != nil {
		return fmt.Errorf("gencorpus.py: %v\n%s", err, bytes.TrimSpace(out))
	}
	if err := os.Rename(tmp, corpus); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "corpus: generated %s (%d articles) in %s: python3 %s -n %d -o DIR\n",
		corpus, n, time.Since(start).Round(time.Millisecond), runenv.ShellQuote(filepath.Join(shared, "gencorpus.py")), n)
	return nil
}

// prepareHugo lays out dst as peers.sh does: the peer site plus content/.
// Modes are not copied (the shared folder is read-only), so dst stays removable.
func prepareHugo(peer, content, dst string) error {
	if _, err := os.Stat(filepath.Join(peer, "hugo.toml")); err != nil {
		return fmt.Errorf("hugo peer site: %w", err)
	}
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	if err := os.CopyFS(dst, os.DirFS(peer)); err != nil {
		return fmt.Errorf("copying hugo peer site: %w", err)
	}
	if err := os.CopyFS(filepath.Join(dst, "content"), os.DirFS(content)); err != nil {
		return fmt.Errorf("copying content for hugo: %w", err)
	}
	return nil
}

// runTool removes t.out, then runs t once and measures it.
func runTool(ctx context.Context, t tool) (sample, error) {
	if err := os.RemoveAll(t.out); err != nil {
		return sample{}, err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, t.argv[0], t.argv[1:]...)
	cmd.Dir = t.dir
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		msg := bytes.TrimSpace(stderr.Bytes())
		if len(msg) == 0 {
			msg = bytes.TrimSpace(stdout.Bytes())
		}
		return sample{}, fmt.Errorf("%s failed: %v\ncommand: cd %s && %s\n%s", t.name, err, runenv.ShellQuote(t.dir), runenv.ShellQuote(t.argv...), msg)
	}
	s := sample{wall: wall}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.rssKiB = int64(ru.Maxrss)
		if runtime.GOOS == "darwin" { // bytes there, KiB on Linux
			s.rssKiB /= 1024
		}
	}
	return s, nil
}

// countHTML counts the files under dir ending in .html and their total size.
// A missing dir counts as none, so a builder that wrote nothing shows 0 pages.
func countHTML(dir string) (pages int, size int64, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if d.Type().IsRegular() && strings.HasSuffix(d.Name(), ".html") {
			info, err := d.Info()
			if err != nil {
				return err
			}
			pages++
			size += info.Size()
		}
		return nil
	})
	return pages, size, err
}

// countFiles counts the regular files directly in dir ending in ext.
func countFiles(dir, ext string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ext) {
			n++
		}
	}
	return n, nil
}

// toolVersion returns the first line of `bin args...`, or a note on failure.
func toolVersion(ctx context.Context, bin string, args ...string) string {
	out, err := exec.CommandContext(ctx, bin, args...).Output()
	if err != nil {
		return fmt.Sprintf("%s (version unknown: %v)", bin, err)
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return line
}

// parseCounts parses "1000,10000" into positive, distinct counts, in order.
func parseCounts(s string) ([]int, error) {
	var counts []int
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad article count %q: want a positive integer", f)
		}
		if slices.Contains(counts, n) {
			return nil, fmt.Errorf("article count %d given twice", n)
		}
		counts = append(counts, n)
	}
	if len(counts) == 0 {
		return nil, errors.New("no article counts given")
	}
	return counts, nil
}

// parseTools parses "site,hugo" into known, distinct tool names, in order.
func parseTools(s string) ([]string, error) {
	var tools []string
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !slices.Contains(knownTools, f) {
			return nil, fmt.Errorf("unknown tool %q: want some of %s", f, strings.Join(knownTools, ","))
		}
		if !slices.Contains(tools, f) {
			tools = append(tools, f)
		}
	}
	if len(tools) == 0 {
		return nil, errors.New("no tools given")
	}
	return tools, nil
}

// summary is one tool's figures at one size.
type summary struct {
	median, min, max time.Duration
	rssKiB           int64 // median peak RSS
	pages            int
}

func summarize(samples []sample) summary {
	if len(samples) == 0 {
		return summary{}
	}
	walls := make([]time.Duration, len(samples))
	rss := make([]int64, len(samples))
	for i, s := range samples {
		walls[i], rss[i] = s.wall, s.rssKiB
	}
	return summary{
		median: stats.Median(walls),
		min:    slices.Min(walls),
		max:    slices.Max(walls),
		rssKiB: stats.Median(rss),
	}
}

// mib formats KiB as MiB with one decimal.
func mib(kib int64) string {
	return strconv.FormatFloat(float64(kib)/1024, 'f', 1, 64)
}

func ms(d time.Duration) string {
	return strconv.FormatInt(d.Milliseconds(), 10)
}

func tableHeader() string {
	return fmt.Sprintf("%-6s %10s %10s %10s %14s %10s", "tool", "median_ms", "min_ms", "max_ms", "median_rss_MiB", "html_pages")
}

func tableRow(name string, s summary) string {
	return fmt.Sprintf("%-6s %10s %10s %10s %14s %10d", name, ms(s.median), ms(s.min), ms(s.max), mib(s.rssKiB), s.pages)
}

// wallRatioLine reports how many times longer Hugo took than site.
func wallRatioLine(hugo, site time.Duration) string {
	r := "n/a"
	if site > 0 {
		r = strconv.FormatFloat(float64(hugo)/float64(site), 'f', 1, 64) + "x"
	}
	return fmt.Sprintf("hugo/site wall: %s (target >= %gx)", r, wallTarget)
}

// rssRatioLine reports site's peak RSS as a fraction of Hugo's.
func rssRatioLine(siteKiB, hugoKiB int64) string {
	r := "n/a"
	if hugoKiB > 0 {
		r = strconv.FormatFloat(float64(siteKiB)/float64(hugoKiB), 'f', 2, 64)
	}
	return fmt.Sprintf("peak RSS site/hugo: %s (target < %g)", r, rssTarget)
}
