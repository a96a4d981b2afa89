// Command bench times this project's site builder against Hugo on
// generated corpora in one run and prints the ratios. Run it from the
// repository root:
//
//	go run ./cmd/bench -n 1000,10000 -runs 5
//	go run ./cmd/bench -mode reload -n 1000 -edits 20
//
// Build mode: for each article count N it generates a corpus with
// SHARED/gencorpus.py into WORK/N/corpus (reused while it has N articles:
// the same arguments give the same bytes), lays out SHARED/peers/hugo plus
// that content in WORK/N/hugo, and runs
//
//	site: TMP/site build -content WORK/N/corpus/content -out WORK/N/site-out
//	hugo: cd WORK/N/hugo && hugo --minify --quiet -d public
//
// once each untimed, then -runs times each, interleaved (site, hugo, site,
// ...) so both share the machine's noise, each from an empty output
// folder. TMP/site is built once with go build ./cmd/site. It prints the
// median wall time and peak RSS (the child's ru_maxrss) of each, the HTML
// pages each wrote, and the ratios hugo/site (wall) and site/hugo (RSS).
//
// Each timed site build is a rebuild, as the consultant's are: it follows
// the untimed one, so the share cards and the markdown of pages without
// shortcodes come from the cache folder (site build -cache); the line
// "site says" shows what the last run took from it. -cold times first
// builds instead (an empty -cache: every card drawn, every page rendered).
//
// Reload mode (reload.go) times edit-to-reload of site serve against hugo
// server on one corpus.
//
// Hugo comes from Debian (apt-get install hugo); without it only site is
// timed. Targets are reported, not enforced: the exit status is non-zero
// only when something fails.
package main

import (
	"bytes"
	"cmp"
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
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cassidine/site/internal/stats"
)

// Targets the ratio lines are compared against.
const (
	wallTarget = 5.0 // hugo/site wall time at least this
	rssTarget  = 1.0 // site/hugo peak RSS below this
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type config struct {
	counts  []int
	root    string // the repository, the working folder
	runs    int
	cold    bool   // build: site build -cache '' (a first build: nothing kept)
	work    string // absolute
	shared  string // absolute
	siteBin string
	hugo    string        // the hugo program, "" when not installed
	edits   int           // reload: timed edits per edit kind per tool
	pause   time.Duration // reload: pause after each reload
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("bench", flag.ContinueOnError)
	fset.SetOutput(stderr)
	nFlag := fset.String("n", "", "comma-separated article counts (default 1000,10000; reload: 1000)")
	mode := fset.String("mode", "build", "build (site build vs hugo --minify) or reload (site serve vs hugo server)")
	var cfg config
	fset.IntVar(&cfg.runs, "runs", 5, "build: timed runs per tool per size")
	fset.BoolVar(&cfg.cold, "cold", false, "build: time site's first build, with -cache '' (every share card drawn, all markdown rendered), not a rebuild")
	fset.IntVar(&cfg.edits, "edits", 20, "reload: timed edits per edit kind (body, title) per tool")
	fset.DurationVar(&cfg.pause, "pause", 300*time.Millisecond, "reload: pause after each reload")
	fset.StringVar(&cfg.work, "work", filepath.Join(cmp.Or(getenv("TMPDIR"), "/tmp"), "site-bench"), "work folder (corpora are kept there)")
	fset.StringVar(&cfg.shared, "shared", filepath.Join("..", "shared", "bench"), "the shared bench folder (gencorpus.py, peers/hugo)")
	timeout := fset.Duration("timeout", 30*time.Minute, "limit for the whole run")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *nFlag == "" {
		*nFlag = "1000,10000"
		if *mode == "reload" {
			*nFlag = "1000"
		}
	}
	for f := range strings.SplitSeq(*nFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("-n: bad article count %q", f)
		}
		cfg.counts = append(cfg.counts, n)
	}
	switch {
	case *mode != "build" && *mode != "reload":
		return fmt.Errorf("-mode %q: want build or reload", *mode)
	case *mode == "reload" && (len(cfg.counts) != 1 || cfg.edits < 1):
		return errors.New("reload mode takes one -n and -edits of at least 1")
	case cfg.runs < 1:
		return errors.New("-runs: want at least 1")
	}
	var err error
	if cfg.root, err = os.Getwd(); err != nil {
		return err
	}
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run from the repository root")
	}
	for _, p := range []*string{&cfg.work, &cfg.shared} {
		if *p, err = filepath.Abs(*p); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	fmt.Fprintf(stdout, "bench: %s %s/%s, %d CPUs; work %s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cfg.work)
	if cfg.hugo, err = exec.LookPath("hugo"); err != nil {
		cfg.hugo = ""
		fmt.Fprintln(stdout, "hugo: not installed (apt-get install hugo): timing site alone")
	} else {
		out, _ := exec.CommandContext(ctx, cfg.hugo, "version").Output()
		fmt.Fprintf(stdout, "hugo: %s", out)
	}
	if err := os.MkdirAll(cfg.work, 0o755); err != nil {
		return err
	}
	binDir, err := os.MkdirTemp(cfg.work, "bin-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(binDir)
	cfg.siteBin = filepath.Join(binDir, "site")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", cfg.siteBin, "./cmd/site").CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/site: %v\n%s", err, out)
	}

	for _, n := range cfg.counts {
		corpus := filepath.Join(cfg.work, strconv.Itoa(n), "corpus")
		if err := ensureCorpus(ctx, cfg.shared, corpus, n, stdout); err != nil {
			return err
		}
		if *mode == "reload" {
			return benchReload(ctx, cfg, filepath.Join(corpus, "content"), stdout)
		}
		if err := benchBuild(ctx, cfg, n, stdout); err != nil {
			return fmt.Errorf("n=%d: %w", n, err)
		}
	}
	return nil
}

// builder is one tool's build command, run in dir, writing into out.
type builder struct {
	name, dir, out string
	argv           []string
	walls          []time.Duration
	rssKiB         []int64
}

func benchBuild(ctx context.Context, cfg config, n int, stdout io.Writer) error {
	dir := filepath.Join(cfg.work, strconv.Itoa(n))
	content := filepath.Join(dir, "corpus", "content")
	site := &builder{name: "site", dir: cfg.root, out: filepath.Join(dir, "site-out"),
		argv: []string{cfg.siteBin, "build", "-content", content, "-out", filepath.Join(dir, "site-out")}}
	if cfg.cold {
		site.argv = append(site.argv, "-cache", "")
	}
	tools := []*builder{site}
	if cfg.hugo != "" {
		hdir := filepath.Join(dir, "hugo")
		if err := prepareHugo(cfg.shared, content, hdir); err != nil {
			return err
		}
		tools = append(tools, &builder{name: "hugo", dir: hdir, out: filepath.Join(hdir, "public"),
			argv: []string{cfg.hugo, "--minify", "--quiet", "-d", "public"}})
	}
	for _, t := range tools {
		fmt.Fprintf(stdout, "%s: cd %s && %s\n", t.name, t.dir, strings.Join(t.argv, " "))
	}
	for r := 0; r <= cfg.runs; r++ { // run 0 is the untimed warm-up
		for _, t := range tools {
			wall, rss, out, err := timeBuild(ctx, t)
			if err != nil {
				return err
			}
			if t == site && r == cfg.runs {
				// What the last run drew, rendered or took from the cache.
				fmt.Fprintf(stdout, "n=%d site says: %s\n", n, strings.TrimSpace(out))
			}
			if r > 0 {
				t.walls, t.rssKiB = append(t.walls, wall), append(t.rssKiB, rss)
			}
			what := fmt.Sprintf("run %d/%d", r, cfg.runs)
			if r == 0 {
				what = "warm-up (untimed)"
			}
			fmt.Fprintf(stdout, "n=%d %s %s: %d ms, %.1f MiB peak RSS\n", n, what, t.name, wall.Milliseconds(), float64(rss)/1024)
		}
	}
	fmt.Fprintf(stdout, "results n=%d, median of %d runs:\n", n, cfg.runs)
	for _, t := range tools {
		pages, err := countHTML(t.out)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  %-5s %7d ms %7.1f MiB peak RSS %7d html pages\n", t.name,
			stats.Percentile(t.walls, 50).Milliseconds(), float64(stats.Percentile(t.rssKiB, 50))/1024, pages)
	}
	if len(tools) == 2 {
		site, hugo := tools[0], tools[1]
		fmt.Fprintf(stdout, "hugo/site wall: %.1fx (target >= %gx)\n",
			float64(stats.Percentile(hugo.walls, 50))/float64(stats.Percentile(site.walls, 50)), wallTarget)
		fmt.Fprintf(stdout, "peak RSS site/hugo: %.2f (target < %g)\n",
			float64(stats.Percentile(site.rssKiB, 50))/float64(stats.Percentile(hugo.rssKiB, 50)), rssTarget)
	}
	return nil
}

// timeBuild empties t.out, runs t once and returns its wall time, peak
// RSS in KiB (Linux reports ru_maxrss in KiB) and output.
func timeBuild(ctx context.Context, t *builder) (time.Duration, int64, string, error) {
	if err := os.RemoveAll(t.out); err != nil {
		return 0, 0, "", err
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, t.argv[0], t.argv[1:]...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = t.dir, &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, "", fmt.Errorf("%s: %v\n%s", t.name, err, out.Bytes())
	}
	wall := time.Since(start)
	return wall, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss, out.String(), nil
}

// ensureCorpus generates n articles into corpus unless it holds n already,
// through a temporary sibling, so an interrupted run leaves no half corpus.
func ensureCorpus(ctx context.Context, shared, corpus string, n int, stdout io.Writer) error {
	if have, _ := filepath.Glob(filepath.Join(corpus, "content", "articles", "*.md")); len(have) == n {
		fmt.Fprintf(stdout, "corpus: %s (%d articles, reused)\n", corpus, n)
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(corpus), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(corpus), "corpus-tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	gen := filepath.Join(shared, "gencorpus.py")
	if out, err := exec.CommandContext(ctx, "python3", gen, "-n", strconv.Itoa(n), "-o", tmp).CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v\n%s", gen, err, out)
	}
	if err := os.RemoveAll(corpus); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "corpus: %s (%d articles, generated with python3 %s -n %d)\n", corpus, n, gen, n)
	return os.Rename(tmp, corpus)
}

// prepareHugo lays out dst as the shared peers.sh does: the peer site plus
// content/.
func prepareHugo(shared, content, dst string) error {
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	if err := os.CopyFS(dst, os.DirFS(filepath.Join(shared, "peers", "hugo"))); err != nil {
		return fmt.Errorf("copying the hugo peer site: %w", err)
	}
	return os.CopyFS(filepath.Join(dst, "content"), os.DirFS(content))
}

// countHTML counts the .html files under dir.
func countHTML(dir string) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".html") {
			n++
		}
		return err
	})
	return n, err
}
