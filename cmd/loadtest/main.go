// Command loadtest puts the site's function under load on this machine. It
// has two modes:
//
//   - quiz (the default): the quiz scoring endpoint (POST /api/quiz) on
//     SQLite, compared with a bare net/http handler measured in the same
//     run; described below.
//   - book (-mode book): bookings (POST /api/book) against Postgres, at a
//     fixed rate and then flat out; see book.go.
//
// Run it from the repository root (it reads content/, layouts/ and static/):
//
//	go run ./cmd/loadtest
//	go run ./cmd/loadtest -mode book [-rate 500] [-duration 20s] [-db URL]
//
// It starts two servers inside the process, each on a free port of
// 127.0.0.1:
//
//   - quiz: the real handler, api.New with the site's Shell (from content/,
//     layouts/, static/) and a fresh SQLite store in a temporary folder,
//     mounted at /api/ as site serve mounts it;
//   - bare: a net/http handler that reads the body and writes a fixed
//     16-byte response: the ceiling for any handler on this machine.
//
// Before any load it checks one request of each kind by hand (201 with a
// result id that then reads back, 303 to the result page, 200), so a
// broken form cannot be benchmarked as a fast 400.
//
// Throughput: wrk (Debian's package; the original wrk, without -R) with a
// generated Lua script that POSTs complete, valid quiz forms, rotating
// among 8 bodies with different answers (so different bands), as
// application/x-www-form-urlencoded. Each target gets an untimed warm-up of
// -warmup, then -rounds timed runs, interleaved (bare, quiz, quiz-nojs,
// bare, ...) so all share the machine's noise:
//
//	bare:       wrk -t2 -c32 -d10s --latency -s TMP/bare.lua http://127.0.0.1:P/
//	quiz:       wrk -t2 -c32 -d10s --latency -s TMP/quiz.lua http://127.0.0.1:Q/api/quiz
//	quiz-nojs:  wrk -t2 -c32 -d10s --latency -s TMP/quiz-nojs.lua http://127.0.0.1:Q/api/quiz
//
// quiz sends Accept: application/json, so every request is scored, stored
// and answered with the JSON result and its rendered HTML fragment (201);
// quiz-nojs sends no Accept, as a browser without JavaScript does, and gets
// 303 to the result page. bare gets the same bodies as quiz. The summary
// compares the medians of the rounds: quiz/bare, target >= 0.5.
//
// Latency: wrk cannot hold a fixed rate, so an open-loop generator written
// here sends -rate requests per second for -rate-duration (500 for 10 s:
// exactly 5000 requests) from a bounded pool of -workers. Requests are
// scheduled by the clock, not by completion, and each latency is measured
// from the request's scheduled send time, so a stalled server is charged
// for the requests queued behind it (no coordinated omission). The
// generator shares the process with the servers, so it also reports how
// late it handed requests out and the garbage collector's cycles; the
// phase starts with runtime.GC, so the wrk phase's garbage is not
// collected inside it. It reports p50, p90, p99 and max (target p99 <
// 10 ms) and the errors (target 0).
//
// Store check: every successful quiz response (201 or 303) must be exactly
// one stored row. The quiz server counts its answers to POST /api/quiz by
// status; after each phase, once no request is in flight, the rows are
// counted (SELECT count(*) on a read-only connection of the same file).
// The open-loop phase must add exactly as many rows as it got successes,
// and at the end the rows must equal the server's successes. When wrk
// stops it closes connections with requests in flight; those requests are
// cancelled, answered 503, and their save logged as failed. If such a
// save committed all the same, the row is shown by id and the target is
// not met; rows that nothing accounts for make the exit status 1. wrk's
// own count of responses is shown too: it leaves out those in flight when
// it stopped.
//
// Flags:
//
//	-mode           quiz, or book for the booking benchmark (flags in book.go)
//	-rounds         timed wrk runs per target; 0 measures latency only (default 2)
//	-duration       length of each timed wrk run, whole seconds (default 10s)
//	-warmup         untimed wrk run per target first, whole seconds; 0 skips (default 2s)
//	-threads        wrk -t (default 2)
//	-connections    wrk -c (default 32)
//	-nojs           also measure the no-JS 303 variant (default true)
//	-rate           open-loop requests per second (default 500)
//	-rate-duration  open-loop length (default 10s)
//	-workers        open-loop workers, the most requests in flight (default 64)
//	-timeout        limit for the whole run (default 3m)
//	-wrk            the wrk program (default wrk, looked up in PATH)
//
// Everything listens on and talks to 127.0.0.1 only; every loop is bounded
// in count and time; both servers are shut down at the end, on error and on
// Ctrl+C. Output is plain text, one fact per line. The targets are
// reported, not enforced: the exit status is non-zero only when something
// fails (a server, a check request, wrk, the store check, bad flags). Without
// wrk it prints "wrk: not installed (apt-get install wrk)" and exits 1.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/runenv"
	"github.com/cassidine/site/internal/stats"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/theme"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, errUsage):
		os.Exit(2)
	case errors.Is(err, errNoWrk):
		os.Exit(1) // run has said so
	case err != nil:
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

var (
	// errUsage reports bad flags; the flag package has already printed why.
	errUsage = errors.New("usage")
	errNoWrk = errors.New("wrk: not installed (apt-get install wrk)")
)

// Targets the summary lines are compared against.
const (
	ratioTarget = 0.5                   // quiz/bare throughput at least this
	p99Target   = 10 * time.Millisecond // open-loop p99 below this
)

// bodyCount is how many different quiz forms the load rotates among.
const bodyCount = 8

// bareResponse is what the bare handler writes.
var bareResponse = []byte(`{"status":"ok"}` + "\n")

type config struct {
	rounds       int
	duration     time.Duration
	warmup       time.Duration
	threads      int
	connections  int
	nojs         bool
	rate         int
	rateDuration time.Duration
	workers      int
	timeout      time.Duration
	wrk          string
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) (err error) {
	switch mode := modeArg(args); mode {
	case "quiz":
	case "book":
		return runBook(ctx, args, getenv, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "loadtest: -mode: got %q, want quiz or book\n", mode)
		return errUsage
	}
	fset := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var cfg config
	fset.String("mode", "quiz", "quiz, or book for the booking benchmark (go run ./cmd/loadtest -mode book -h)")
	fset.IntVar(&cfg.rounds, "rounds", 2, "timed wrk runs per target (0: latency only)")
	fset.DurationVar(&cfg.duration, "duration", 10*time.Second, "length of each timed wrk run (whole seconds)")
	fset.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "untimed wrk run per target before the rounds (whole seconds; 0 skips)")
	fset.IntVar(&cfg.threads, "threads", 2, "wrk -t: threads")
	fset.IntVar(&cfg.connections, "connections", 32, "wrk -c: connections kept open")
	fset.BoolVar(&cfg.nojs, "nojs", true, "also measure the no-JS variant (no Accept: JSON; 303 to the result page)")
	fset.IntVar(&cfg.rate, "rate", 500, "open-loop requests per second")
	fset.DurationVar(&cfg.rateDuration, "rate-duration", 10*time.Second, "open-loop length")
	fset.IntVar(&cfg.workers, "workers", 64, "open-loop workers: the most requests in flight at once")
	fset.DurationVar(&cfg.timeout, "timeout", 3*time.Minute, "limit for the whole run")
	fset.StringVar(&cfg.wrk, "wrk", "wrk", "the wrk program")
	fset.Usage = func() {
		fmt.Fprintln(fset.Output(), "usage: go run ./cmd/loadtest [-mode quiz|book] [-rounds 2] [-duration 10s] [-warmup 2s] [-threads 2] [-connections 32] [-nojs=true] [-rate 500] [-rate-duration 10s] [-workers 64] [-timeout 3m] [-wrk wrk]")
		fset.PrintDefaults()
	}
	if help, err := parseArgs(fset, args, stderr); help || err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	defer func() {
		if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("stopped after -timeout %s: %w", cfg.timeout, err)
		}
	}()

	wrkPath, err := exec.LookPath(cfg.wrk)
	if err != nil {
		fmt.Fprintln(stderr, errNoWrk)
		return errNoWrk
	}
	root, err := printRunHeader(stdout, args)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrk: %s (%s)\n", wrkPath, wrkVersion(ctx, wrkPath))
	if la := loadAverage(); la != "" {
		fmt.Fprintf(stdout, "machine: load average %s at start (other processes share the CPUs with both servers, wrk and the generator)\n", la)
		defer func() { fmt.Fprintf(stdout, "machine: load average %s at the end\n", loadAverage()) }()
	}

	shell, err := theme.Load(theme.FromRoot(os.DirFS(root)), "")
	if err != nil {
		return fmt.Errorf("loading the site's theme from %s: %w", root, err)
	}
	q, version := shell.Site().Quiz, shell.Site().QuizVer
	if q == nil {
		return fmt.Errorf("%s has no quiz.toml: nothing to score", filepath.Join(root, "content"))
	}
	bodies := quizBodies(q, version, bodyCount)
	fmt.Fprintf(stdout, "quiz: %q, %d statements, version %s; %d request bodies of %d bytes rotated\n",
		q.Title, len(q.Questions), version, len(bodies), len(bodies[0]))

	tmp, err := os.MkdirTemp(runenv.TempDir(getenv), "loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	dbPath := filepath.Join(tmp, "quiz.db")
	st, err := store.OpenSQLite(dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	rows, err := openRowCounter(dbPath)
	if err != nil {
		return err
	}
	defer rows.close()
	fmt.Fprintf(stdout, "store: SQLite at %s (fresh)\n", dbPath)

	logs := &logCounter{}
	quizStats := &serverStats{path: "/api/quiz", what: "quiz"}
	quizHandler := api.New(api.Deps{Store: st, Theme: shell, Now: time.Now, Log: slog.New(logs)})
	mux := http.NewServeMux()
	mux.Handle("/api/", quizHandler) // the handler strips /api itself
	quizSrv, err := startServer(quizStats.wrap(mux))
	if err != nil {
		return err
	}
	defer quizSrv.stop()
	bareSrv, err := startServer(http.HandlerFunc(bareHandler))
	if err != nil {
		return err
	}
	defer bareSrv.stop()
	quizURL := quizSrv.url + "/api/quiz"
	bareURL := bareSrv.url + "/"
	fmt.Fprintf(stdout, "servers: quiz %s (api.New, SQLite store), bare net/http %s (reads the body, writes %d bytes)\n",
		quizURL, bareURL, len(bareResponse))

	client := newClient(cfg.workers)
	defer client.CloseIdleConnections()
	if err := preflight(ctx, client, quizSrv.url, bareURL, bodies[0], stdout); err != nil {
		return err
	}

	// The wrk targets, in the order each round runs them.
	targets := []target{
		{name: "bare", label: "bare net/http", url: bareURL, headers: formHeaders(true)},
		{name: "quiz", label: "quiz (JSON, 201)", url: quizURL, headers: formHeaders(true), quiz: true},
	}
	if cfg.nojs {
		targets = append(targets, target{name: "quiz-nojs", label: "quiz (no-JS, 303)", url: quizURL, headers: formHeaders(false), quiz: true})
	}
	fmt.Fprintf(stdout, "plan: %s warm-up then %d timed runs of %s per target (%s), interleaved; then %d req/s for %s open-loop; timeout %s\n",
		cfg.warmup, cfg.rounds, cfg.duration, targetNames(targets), cfg.rate, cfg.rateDuration, cfg.timeout)
	fmt.Fprintln(stdout, "wrk commands:")
	for i := range targets {
		t := &targets[i]
		u, _ := url.Parse(t.url)
		t.script = filepath.Join(tmp, t.name+".lua")
		if err := os.WriteFile(t.script, []byte(luaScript(u.Path, t.headers, bodies)), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  %-10s %s\n", t.name+":", runenv.ShellQuote(t.argv(wrkPath, cfg, cfg.duration)...))
	}

	// Throughput.
	rowsStart, err := rows.count(ctx)
	if err != nil {
		return err
	}
	answeredStart := quizStats.successes()
	var wrkQuiz int64 // quiz responses wrk counted as 2xx/3xx, warm-ups included
	if cfg.warmup > 0 {
		for _, t := range targets {
			res, err := runWrk(ctx, t.argv(wrkPath, cfg, cfg.warmup))
			if err != nil {
				return fmt.Errorf("warm-up %s: %w", t.name, err)
			}
			if t.quiz {
				wrkQuiz += res.Requests - res.Non2xx3xx
			}
			fmt.Fprintf(stdout, "warm-up %s: %.0f req/s (untimed)\n", t.name, res.RPS)
		}
	}
	rps := map[string][]float64{}
	for r := 1; r <= cfg.rounds; r++ {
		for _, t := range targets {
			before := sampleCPU()
			res, err := runWrk(ctx, t.argv(wrkPath, cfg, cfg.duration))
			if err != nil {
				return fmt.Errorf("round %d %s: %w", r, t.name, err)
			}
			use := before.until(sampleCPU())
			rps[t.name] = append(rps[t.name], res.RPS)
			if t.quiz {
				wrkQuiz += res.Requests - res.Non2xx3xx
			}
			fmt.Fprintf(stdout, "round %d/%d %s%s\n", r, cfg.rounds, wrkLine(t.name, res), use.suffix("this process and wrk"))
		}
	}
	quizRPS, bareRPS := stats.Median(rps["quiz"]), stats.Median(rps["bare"])
	if cfg.rounds > 0 {
		fmt.Fprintf(stdout, "throughput, median of %d runs each:\n", cfg.rounds)
		for _, t := range targets {
			fmt.Fprintf(stdout, "  %-18s %8.0f req/s\n", t.label, stats.Median(rps[t.name]))
		}
		fmt.Fprintln(stdout, throughputLine(quizRPS, bareRPS))
		if cfg.nojs {
			fmt.Fprintf(stdout, "quiz no-JS (303) throughput %.0f req/s, ratio %s to bare net/http\n", stats.Median(rps["quiz-nojs"]), ratio(stats.Median(rps["quiz-nojs"]), bareRPS))
		}
	}

	// Latency at a fixed rate.
	if err := quizStats.quiesce(ctx); err != nil {
		return err
	}
	rowsBefore, err := rows.count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrk runs: %d rows added; the quiz handler answered %d successes; wrk counted %d 2xx/3xx quiz responses (it does not count those in flight when it stops, whose requests are cancelled)\n",
		rowsBefore-rowsStart, quizStats.successes()-answeredStart, wrkQuiz)
	fmt.Fprintf(stdout, "open loop: POST %s (Accept: application/json), %d req/s for %s = %d requests, %d workers; latency from each request's scheduled send time\n",
		quizURL, cfg.rate, cfg.rateDuration, len(schedule(cfg.rate, cfg.rateDuration)), cfg.workers)
	// Start the phase with the previous phase's garbage collected.
	runtime.GC()
	var memBefore runtime.MemStats
	runtime.ReadMemStats(&memBefore)
	cpuBefore := sampleCPU()
	ol, err := openLoop(ctx, client, quizURL, formHeaders(true), bodies, http.StatusCreated, cfg.rate, cfg.rateDuration, cfg.workers)
	if err != nil {
		return err
	}
	gc := gcSince(&memBefore)
	cpuUse := cpuBefore.until(sampleCPU())
	if err := quizStats.quiesce(ctx); err != nil {
		return err
	}
	rowsAfter, err := rows.count(ctx)
	if err != nil {
		return err
	}
	lat := summarize(ol.latencies)
	fmt.Fprintf(stdout, "open loop: sent %d in %s; generator lag max %s ms (how late a request left its slot); %d GC cycles in the process, longest pause %s ms%s\n",
		ol.sent, ol.elapsed.Round(time.Millisecond), fmtMS(ol.maxLag), gc.cycles, fmtMS(gc.maxPause), cpuUse.suffix("this process"))
	fmt.Fprintf(stdout, "open loop latency: p50 %s ms, p90 %s ms, p99 %s ms, max %s ms (%d samples)\n",
		fmtMS(lat.p50), fmtMS(lat.p90), fmtMS(lat.p99), fmtMS(lat.max), lat.n)
	for _, k := range sortedKeys(ol.errors) {
		fmt.Fprintf(stdout, "open loop errors: %d × %s\n", ol.errors[k], k)
	}
	if ol.firstErr != "" {
		fmt.Fprintf(stdout, "open loop first error: %s\n", ol.firstErr)
	}
	rateRows := rowsAfter - rowsBefore
	fmt.Fprintln(stdout, latencyLine(cfg.rate, cfg.rateDuration, lat, ol.failed(), rateRows, ol.ok))

	// The store against what was answered. A request whose client hung up
	// (wrk stopping) is cancelled; its save can fail with "context
	// canceled" after the row was committed, so look the ids of failed
	// saves up.
	total := quizStats.successes()
	var orphans []string
	for _, id := range logs.failedSaveIDs() {
		if _, err := st.QuizResult(ctx, id); err == nil {
			orphans = append(orphans, id)
		} else if store.ErrorCode(err) != store.ENOTFOUND {
			return fmt.Errorf("looking up result %s: %w", id, err)
		}
	}
	fmt.Fprintf(stdout, "store: %d rows; the quiz handler answered %d successes (%d × 201 JSON, %d × 303 no-JS) and %d other statuses (%s), %d of them to clients that had hung up\n",
		rowsAfter, total, quizStats.created.Load(), quizStats.seeOther.Load(), quizStats.other.Load(), quizStats.otherSummary(), quizStats.hungUp.Load())
	fmt.Fprintf(stdout, "handler log: %s\n", logs.summary())
	rowsMatch := rowsAfter == total
	if rowsMatch {
		fmt.Fprintf(stdout, "store check: %d stored rows = %d successful quiz responses\n", rowsAfter, total)
	} else {
		fmt.Fprintf(stdout, "store check: %d stored rows != %d successful quiz responses", rowsAfter, total)
		if len(orphans) > 0 {
			fmt.Fprintf(stdout, "; %d of the %d failed saves were committed all the same, answered 503 (%s)", len(orphans), len(logs.failedSaveIDs()), strings.Join(orphans[:min(3, len(orphans))], ", "))
		}
		fmt.Fprintln(stdout)
	}

	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT met"
	}
	ratioMet := met(bareRPS > 0 && quizRPS/bareRPS >= ratioTarget)
	if cfg.rounds == 0 {
		ratioMet = "not measured (-rounds 0)"
	}
	fmt.Fprintf(stdout, "targets: throughput ratio >= %g %s; p99 < %s ms %s; 0 errors %s; rows = responses %s\n",
		ratioTarget, ratioMet,
		fmtMS(p99Target), met(lat.n > 0 && lat.p99 < p99Target),
		met(ol.failed() == 0), met(rateRows == int64(ol.ok) && rowsMatch))

	// Rows that no answer accounts for are a failure of the run; rows
	// saved for requests answered 503 are reported above.
	switch {
	case rateRows != int64(ol.ok):
		return fmt.Errorf("store check: the open-loop phase added %d rows for %d successful responses", rateRows, ol.ok)
	case rowsAfter != total+int64(len(orphans)):
		return fmt.Errorf("store check: %d rows for %d successful quiz responses and %d saves answered 503 but committed", rowsAfter, total, len(orphans))
	}
	return nil
}

// parseArgs parses args with fset, which reports to stderr. help is true
// after -h; an error is errUsage.
func parseArgs(fset *flag.FlagSet, args []string, stderr io.Writer) (help bool, err error) {
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, errUsage
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "loadtest: unexpected arguments: %q\n", fset.Args())
		fset.Usage()
		return false, errUsage
	}
	return false, nil
}

// printRunHeader finds the module root from the working directory and
// prints the Go version, the machine and the command that repeats the run.
func printRunHeader(stdout io.Writer, args []string) (root string, err error) {
	cwd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root, err = runenv.ModuleRoot(cwd)
	if err != nil {
		return "", err
	}

	fmt.Fprintf(stdout, "loadtest: %s %s/%s, %d CPUs\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	fmt.Fprintf(stdout, "command: cd %s && %s\n", runenv.ShellQuote(root), runenv.ShellQuote(append([]string{"go", "run", "./cmd/loadtest"}, args...)...))
	return root, nil
}

func (c config) check() error {
	wholeSeconds := func(d time.Duration) bool { return d%time.Second == 0 }
	switch {
	case c.rounds < 0:
		return fmt.Errorf("-rounds: got %d, want 0 (latency only) or more", c.rounds)
	case c.duration < time.Second || !wholeSeconds(c.duration):
		return fmt.Errorf("-duration: got %s, want whole seconds, at least 1s", c.duration)
	case c.warmup < 0 || !wholeSeconds(c.warmup):
		return fmt.Errorf("-warmup: got %s, want whole seconds or 0", c.warmup)
	case c.threads < 1:
		return fmt.Errorf("-threads: got %d, want at least 1", c.threads)
	case c.connections < c.threads:
		return fmt.Errorf("-connections: got %d, want at least -threads (%d)", c.connections, c.threads)
	case c.connections > 1000:
		return fmt.Errorf("-connections: got %d, want at most 1000", c.connections)
	case c.rate < 1 || c.rate > 100000:
		return fmt.Errorf("-rate: got %d, want 1 to 100000", c.rate)
	case c.rateDuration < time.Second/time.Duration(c.rate):
		return fmt.Errorf("-rate-duration: got %s, too short for one request at %d req/s", c.rateDuration, c.rate)
	case c.workers < 1 || c.workers > 1000:
		return fmt.Errorf("-workers: got %d, want 1 to 1000", c.workers)
	case c.timeout <= 0:
		return fmt.Errorf("-timeout: got %s, want more than 0", c.timeout)
	}
	if need := c.planned(); need > c.timeout {
		return fmt.Errorf("-timeout %s is shorter than the planned runs (%s): lower -rounds or -duration, or raise -timeout", c.timeout, need)
	}
	return nil
}

// planned is how long the runs take at least, with room for start-up,
// checks and counting.
func (c config) planned() time.Duration {
	targets := 2
	if c.nojs {
		targets = 3
	}
	return time.Duration(targets)*(c.warmup+time.Duration(c.rounds)*c.duration) + c.rateDuration + 15*time.Second
}

// target is one wrk target.
type target struct {
	name    string // short, for file names and lines
	label   string
	url     string
	headers [][2]string
	script  string
	quiz    bool
}

func (t target) argv(wrk string, c config, d time.Duration) []string {
	return []string{wrk,
		"-t" + strconv.Itoa(c.threads),
		"-c" + strconv.Itoa(c.connections),
		"-d" + strconv.Itoa(int(d/time.Second)) + "s",
		"--latency", "-s", t.script, t.url}
}

func targetNames(ts []target) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.name
	}
	return strings.Join(names, ", ")
}

// formHeaders are the headers of a quiz POST; json adds the Accept header
// the page's script sends.
func formHeaders(json bool) [][2]string {
	h := [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}}
	if json {
		h = append(h, [2]string{"Accept", "application/json"})
	}
	return h
}

// quizBodies returns n complete, valid quiz forms in the order the page
// sends its fields: every statement answered (quiz.FieldName), the quiz's
// version v, and the honeypot website present and empty. Body k answers
// around level k mod ScaleSize, give or take one, so the bodies differ and
// their scores fall in different bands.
func quizBodies(q *quiz.Quiz, version string, n int) []string {
	bodies := make([]string, n)
	for k := range n {
		var b strings.Builder
		level := k % quiz.ScaleSize
		for i := range q.Questions {
			a := min(max(level+(i+k)%3-1, 0), quiz.ScaleSize-1)
			b.WriteString(url.QueryEscape(quiz.FieldName(i)))
			b.WriteByte('=')
			b.WriteString(strconv.Itoa(a))
			b.WriteByte('&')
		}
		b.WriteString("v=" + url.QueryEscape(version) + "&website=")
		bodies[k] = b.String()
	}
	return bodies
}

// luaScript is a wrk script that POSTs to path with headers, each thread
// rotating through bodies. The requests are formatted once per thread in
// init (wrk.format adds Host and Content-Length).
func luaScript(path string, headers [][2]string, bodies []string) string {
	var b strings.Builder
	b.WriteString("-- generated by cmd/loadtest: POST the bodies in turn\n")
	b.WriteString("local path = " + luaQuote(path) + "\n")
	b.WriteString("local headers = {\n")
	for _, h := range headers {
		fmt.Fprintf(&b, "  {%s, %s},\n", luaQuote(h[0]), luaQuote(h[1]))
	}
	b.WriteString("}\nlocal bodies = {\n")
	for _, body := range bodies {
		b.WriteString("  " + luaQuote(body) + ",\n")
	}
	b.WriteString(`}
local requests = {}
local n = 0

function init(args)
  for i, body in ipairs(bodies) do
    local h = {}
    for _, kv in ipairs(headers) do h[kv[1]] = kv[2] end
    requests[i] = wrk.format("POST", path, h, body)
  end
end

function request()
  n = n % #requests + 1
  return requests[n]
end
`)
	return b.String()
}

// luaQuote is s as a Lua string literal. Bytes outside printable ASCII
// are written as three-digit decimal escapes, so a digit after one cannot
// extend it.
func luaQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// wrkResult is what one wrk --latency run printed.
type wrkResult struct {
	Requests  int64         // responses completed
	Duration  time.Duration // as wrk reports it
	RPS       float64       // Requests/sec
	Latency   []percentile  // the Latency Distribution, in wrk's order
	Non2xx3xx int64
	Socket    socketErrors
}

type percentile struct {
	P float64 // 50 for p50
	D time.Duration
}

type socketErrors struct{ Connect, Read, Write, Timeout int64 }

func (s socketErrors) total() int64 { return s.Connect + s.Read + s.Write + s.Timeout }

// at returns the latency at percentile p, if wrk printed it.
func (r wrkResult) at(p float64) (time.Duration, bool) {
	for _, l := range r.Latency {
		if l.P == p {
			return l.D, true
		}
	}
	return 0, false
}

var (
	wrkRequestsRE = regexp.MustCompile(`^\s*(\d+) requests in ([0-9.]+[a-z]+),`)
	wrkRPSRE      = regexp.MustCompile(`^Requests/sec:\s+([0-9.]+)\s*$`)
	wrkPctRE      = regexp.MustCompile(`^\s+([0-9.]+)%\s+([0-9.]+[a-z]+)\s*$`)
	wrkSocketRE   = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	wrkNon2xxRE   = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

// parseWrk reads wrk's report: the request count and duration, the
// Latency Distribution lines of --latency (times as wrk writes them: us,
// ms, s, m, h), socket errors, non-2xx/3xx responses and Requests/sec,
// which must be there.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	haveRPS, inDist := false, false
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if inDist {
			if m := wrkPctRE.FindStringSubmatch(line); m != nil {
				p, err1 := strconv.ParseFloat(m[1], 64)
				d, err2 := time.ParseDuration(m[2])
				if err := errors.Join(err1, err2); err != nil {
					return r, fmt.Errorf("wrk latency line %q: %w", strings.TrimSpace(line), err)
				}
				r.Latency = append(r.Latency, percentile{p, d})
				continue
			}
			inDist = false
		}
		switch {
		case strings.TrimSpace(line) == "Latency Distribution":
			inDist = true
		case wrkRequestsRE.MatchString(line):
			m := wrkRequestsRE.FindStringSubmatch(line)
			r.Requests, _ = strconv.ParseInt(m[1], 10, 64)
			d, err := time.ParseDuration(m[2])
			if err != nil {
				return r, fmt.Errorf("wrk duration %q: %w", m[2], err)
			}
			r.Duration = d
		case wrkRPSRE.MatchString(line):
			m := wrkRPSRE.FindStringSubmatch(line)
			v, err := strconv.ParseFloat(m[1], 64)
			if err != nil {
				return r, fmt.Errorf("wrk Requests/sec %q: %w", m[1], err)
			}
			r.RPS, haveRPS = v, true
		case wrkSocketRE.MatchString(line):
			m := wrkSocketRE.FindStringSubmatch(line)
			n := make([]int64, 4)
			for i := range n {
				n[i], _ = strconv.ParseInt(m[i+1], 10, 64)
			}
			r.Socket = socketErrors{n[0], n[1], n[2], n[3]}
		case wrkNon2xxRE.MatchString(line):
			r.Non2xx3xx, _ = strconv.ParseInt(wrkNon2xxRE.FindStringSubmatch(line)[1], 10, 64)
		}
	}
	if !haveRPS {
		return r, errors.New("no Requests/sec line in wrk's output")
	}
	return r, nil
}

// wrkLine is one wrk run on one line.
func wrkLine(name string, r wrkResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %.0f req/s, %d requests in %s", name, r.RPS, r.Requests, r.Duration)
	for _, p := range []float64{50, 99} {
		if d, ok := r.at(p); ok {
			fmt.Fprintf(&b, ", p%g %s ms", p, fmtMS(d))
		}
	}
	fmt.Fprintf(&b, ", %d non-2xx/3xx, %d socket errors", r.Non2xx3xx, r.Socket.total())
	return b.String()
}

// runWrk runs wrk and parses its report.
func runWrk(ctx context.Context, argv []string) (wrkResult, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("%s: %v\n%s", runenv.ShellQuote(argv...), err, strings.TrimSpace(string(out)))
	}
	res, err := parseWrk(string(out))
	if err != nil {
		return res, fmt.Errorf("%s: %w\n%s", runenv.ShellQuote(argv...), err, strings.TrimSpace(string(out)))
	}
	return res, nil
}

func wrkVersion(ctx context.Context, wrk string) string {
	out, _ := exec.CommandContext(ctx, wrk, "-v").CombinedOutput() // prints its version and usage, exits 1
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if line == "" {
		return "version unknown"
	}
	return strings.TrimSpace(line)
}

// throughputLine compares the medians of quiz and bare.
func throughputLine(quizRPS, bareRPS float64) string {
	return fmt.Sprintf("quiz throughput %.0f req/s, bare net/http %.0f req/s, ratio %s (target >= %g)", quizRPS, bareRPS, ratio(quizRPS, bareRPS), ratioTarget)
}

func ratio(a, b float64) string {
	if b <= 0 {
		return "n/a"
	}
	return strconv.FormatFloat(a/b, 'f', 2, 64)
}

// latencyLine is the open-loop summary.
func latencyLine(rate int, d time.Duration, s latencyStats, errs int, rows int64, responses int) string {
	eq := "="
	if rows != int64(responses) {
		eq = "!="
	}
	return fmt.Sprintf("quiz at %d req/s for %s: p50 %s ms, p90 %s ms, p99 %s ms (target < %s ms), max %s ms, %d errors, %d stored rows %s %d responses",
		rate, d, fmtMS(s.p50), fmtMS(s.p90), fmtMS(s.p99), fmtMS(p99Target), fmtMS(s.max), errs, rows, eq, responses)
}

// fmtMS is d in milliseconds with two decimals.
func fmtMS(d time.Duration) string {
	ms := strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64)
	if s, ok := strings.CutSuffix(ms, ".00"); ok {
		return s
	}
	return ms
}

// latencyStats summarizes latencies.
type latencyStats struct {
	n                  int
	p50, p90, p99, max time.Duration
}

func summarize(ds []time.Duration) latencyStats {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return latencyStats{}
	}
	return latencyStats{n: len(s), p50: stats.Percentile(s, 50), p90: stats.Percentile(s, 90), p99: stats.Percentile(s, 99), max: s[len(s)-1]}
}

// schedule is the send time of each request, from the start, for rate
// requests per second during d: rate·d requests (rounded down), the ith at
// i/rate s. Times are computed from i, not added up, so they do not drift.
func schedule(rate int, d time.Duration) []time.Duration {
	if rate <= 0 || d <= 0 {
		return nil
	}
	n := int64(d) * int64(rate) / int64(time.Second)
	offs := make([]time.Duration, n)
	for i := range n {
		offs[i] = time.Duration(i * int64(time.Second) / int64(rate))
	}
	return offs
}

// openLoopResult is what the fixed-rate phase saw.
type openLoopResult struct {
	sent, ok  int
	latencies []time.Duration // of every request sent, failed ones too
	fails     []string        // of every request sent: what went wrong, or ""
	errors    map[string]int  // kind → count
	firstErr  string
	maxLag    time.Duration // how late the generator handed out a request
	elapsed   time.Duration
}

func (r openLoopResult) failed() int { return r.sent - r.ok }

// openLoop sends rate requests per second for d to u, scheduled by the
// clock: request i is due at start + i/rate whatever happened to earlier
// ones. A bounded pool of workers sends them; when all are busy, due
// requests wait in a queue and that wait counts in their latency, which is
// measured from the due time. Bodies are used in turn. A request succeeds
// when it gets want and its whole body is read.
func openLoop(ctx context.Context, client *http.Client, u string, headers [][2]string, bodies []string, want, rate int, d time.Duration, workers int) (openLoopResult, error) {
	return openLoopDo(ctx, schedule(rate, d), workers, func(i int, due time.Time) (time.Duration, string) {
		return send(ctx, client, u, headers, bodies[i%len(bodies)], want, due)
	})
}

// openLoopDo runs request i at start + offs[i] on a bounded pool of
// workers, as openLoop describes; do sends it and returns its latency,
// from due, and what went wrong or "".
func openLoopDo(ctx context.Context, offs []time.Duration, workers int, do func(i int, due time.Time) (time.Duration, string)) (openLoopResult, error) {
	type job struct {
		i   int
		due time.Time
	}
	jobs := make(chan job, len(offs)) // never blocks the dispatcher
	lat := make([]time.Duration, len(offs))
	fail := make([]string, len(offs))
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				lat[j.i], fail[j.i] = do(j.i, j.due)
			}
		})
	}

	res := openLoopResult{errors: map[string]int{}}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	start := time.Now().Add(5 * time.Millisecond)
	var err error
dispatch:
	for i, off := range offs {
		due := start.Add(off)
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				err = ctx.Err()
				break dispatch
			case <-timer.C:
			}
		}
		res.maxLag = max(res.maxLag, time.Since(due))
		jobs <- job{i, due}
		res.sent++
	}
	close(jobs)
	wg.Wait()
	res.elapsed = time.Since(start)
	res.latencies = lat[:res.sent]
	res.fails = fail[:res.sent]
	for _, f := range fail[:res.sent] {
		if f == "" {
			res.ok++
			continue
		}
		kind, _, _ := strings.Cut(f, ": ")
		res.errors[kind]++
		if res.firstErr == "" {
			res.firstErr = f
		}
	}
	if err != nil {
		return res, fmt.Errorf("open loop stopped after %d of %d requests: %w", res.sent, len(offs), err)
	}
	return res, nil
}

// send POSTs body and returns the time from due to the last byte of the
// response, and what went wrong ("kind: detail") or "".
func send(ctx context.Context, client *http.Client, u string, headers [][2]string, body string, want int, due time.Time) (time.Duration, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		return time.Since(due), "request: " + err.Error()
	}
	for _, h := range headers {
		req.Header.Set(h[0], h[1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return time.Since(due), "transport: " + err.Error()
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(due)
	switch {
	case err != nil:
		return d, "reading the body: " + err.Error()
	case resp.StatusCode != want:
		return d, fmt.Sprintf("status %d: want %d", resp.StatusCode, want)
	}
	return d, ""
}

// newClient talks to the local servers only: no proxy, no redirects
// followed, at most conns connections, a 5 s limit per request.
func newClient(conns int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			IdleConnTimeout:     30 * time.Second,
			DisableCompression:  true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       5 * time.Second,
	}
}

// checkRequest sends one request of a preflight check and returns the
// response with up to 1 MiB of its body, read and closed.
func checkRequest(ctx context.Context, client *http.Client, method, u string, headers [][2]string, body string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	for _, h := range headers {
		req.Header.Set(h[0], h[1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp, b, err
}

// preflight checks one request of each kind before any load: a scored
// JSON result that reads back, the no-JS redirect, and the bare handler.
func preflight(ctx context.Context, client *http.Client, quizBase, bareURL, body string, stdout io.Writer) error {
	do := func(method, u string, headers [][2]string, body string) (*http.Response, []byte, error) {
		return checkRequest(ctx, client, method, u, headers, body)
	}
	quizURL := quizBase + "/api/quiz"

	resp, b, err := do(http.MethodPost, quizURL, formHeaders(true), body)
	if err != nil {
		return fmt.Errorf("check request: POST %s: %w", quizURL, err)
	}
	var scored struct {
		ID     string `json:"id"`
		URL    string `json:"url"`
		HTML   string `json:"html"`
		Result struct {
			Score int `json:"score"`
			Band  struct {
				ID string `json:"id"`
			} `json:"band"`
		} `json:"result"`
	}
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(b, &scored) != nil || !store.ValidID(scored.ID) || scored.HTML == "" {
		return fmt.Errorf("check request: POST %s (JSON): got %s %q, want 201 with a result", quizURL, resp.Status, truncate(b, 300))
	}
	resultURL := quizBase + "/api/quiz/result/" + scored.ID
	resp, b, err = do(http.MethodGet, resultURL, [][2]string{{"Accept", "application/json"}}, "")
	if err != nil {
		return fmt.Errorf("check request: GET %s: %w", resultURL, err)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), scored.ID) {
		return fmt.Errorf("check request: GET %s: got %s %q, want 200 with the result", resultURL, resp.Status, truncate(b, 300))
	}
	fmt.Fprintf(stdout, "check: POST /api/quiz (JSON) 201, id %s, score %d, band %s, %d-byte HTML fragment; GET %s 200\n",
		scored.ID, scored.Result.Score, scored.Result.Band.ID, len(scored.HTML), strings.TrimPrefix(resultURL, quizBase))

	resp, b, err = do(http.MethodPost, quizURL, formHeaders(false), body)
	if err != nil {
		return fmt.Errorf("check request: POST %s (no-JS): %w", quizURL, err)
	}
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/quiz/result/") {
		return fmt.Errorf("check request: POST %s (no-JS): got %s, Location %q %q; want 303 to /quiz/result/", quizURL, resp.Status, loc, truncate(b, 300))
	}
	fmt.Fprintf(stdout, "check: POST /api/quiz (no-JS) 303 to %s\n", loc)

	resp, b, err = do(http.MethodPost, bareURL, formHeaders(true), body)
	if err != nil {
		return fmt.Errorf("check request: POST %s: %w", bareURL, err)
	}
	if resp.StatusCode != http.StatusOK || string(b) != string(bareResponse) {
		return fmt.Errorf("check request: POST %s: got %s %q, want 200 %q", bareURL, resp.Status, b, bareResponse)
	}
	fmt.Fprintf(stdout, "check: POST / (bare) 200, %d bytes\n", len(b))
	return nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

// bareHandler is the baseline: it reads the body as any form handler must
// and writes a small fixed answer.
func bareHandler(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, io.LimitReader(r.Body, api.MaxBody))
	w.Header().Set("Content-Type", "application/json")
	w.Write(bareResponse)
}

// server is an http.Server on a free port of 127.0.0.1.
type server struct {
	srv  *http.Server
	url  string
	done chan struct{}
}

func startServer(h http.Handler) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			IdleTimeout:       30 * time.Second,
		},
		url:  "http://" + ln.Addr().String(),
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		s.srv.Serve(ln)
	}()
	return s, nil
}

// stop shuts the server down, waiting up to 5 s for requests in flight.
func (s *server) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if s.srv.Shutdown(ctx) != nil {
		s.srv.Close()
	}
	<-s.done
}

// serverStats counts the server's answers to POST path (/api/quiz or
// /api/book) by status, and the requests in flight.
type serverStats struct {
	path, what        string // what: "quiz" or "booking", for messages
	inflight          atomic.Int64
	created, seeOther atomic.Int64 // the successes: 201 (JSON) and 303 (no-JS)
	other             atomic.Int64
	hungUp            atomic.Int64 // others whose client had gone when the handler returned
	mu                sync.Mutex
	others            map[int]int64
}

func (s *serverStats) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != s.path {
			h.ServeHTTP(w, r)
			return
		}
		s.inflight.Add(1)
		defer s.inflight.Add(-1)
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		switch sw.code {
		case http.StatusCreated:
			s.created.Add(1)
		case http.StatusSeeOther:
			s.seeOther.Add(1)
		default:
			s.other.Add(1)
			if r.Context().Err() != nil {
				s.hungUp.Add(1)
			}
			s.mu.Lock()
			if s.others == nil {
				s.others = map[int]int64{}
			}
			s.others[sw.code]++
			s.mu.Unlock()
		}
	})
}

func (s *serverStats) successes() int64 { return s.created.Load() + s.seeOther.Load() }

func (s *serverStats) otherSummary() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.others) == 0 {
		return "none"
	}
	var parts []string
	for _, code := range sortedKeys(s.others) {
		parts = append(parts, fmt.Sprintf("%d × %d", s.others[code], code))
	}
	return strings.Join(parts, ", ")
}

// quiesce waits, up to 10 s, until no counted request is in flight, so
// rows and answers are counted at the same moment.
func (s *serverStats) quiesce(ctx context.Context) error {
	deadline := time.Now().Add(10 * time.Second)
	for s.inflight.Load() > 0 {
		if time.Now().After(deadline) {
			return fmt.Errorf("%d %s requests still in flight after 10 s", s.inflight.Load(), s.what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}

// statusWriter records the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// rowCounter counts the stored quiz results with SELECT count(*) on a
// read-only connection of its own: Store.QuizResults would load every row
// into memory, and the garbage would be collected during the next phase.
type rowCounter struct{ db *sql.DB }

func openRowCounter(path string) (*rowCounter, error) {
	db, err := sql.Open("sqlite", path+"?_query_only=1") // the driver store registers
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return &rowCounter{db}, nil
}

func (c *rowCounter) count(ctx context.Context) (int64, error) {
	var n int64
	if err := c.db.QueryRowContext(ctx, "SELECT count(*) FROM quiz_results").Scan(&n); err != nil {
		return 0, fmt.Errorf("counting stored quiz results: %w", err)
	}
	return n, nil
}

func (c *rowCounter) close() { c.db.Close() }

// gcStats is the garbage collector's work between two snapshots.
type gcStats struct {
	cycles   uint32
	maxPause time.Duration
}

func gcSince(before *runtime.MemStats) gcStats {
	var now runtime.MemStats
	runtime.ReadMemStats(&now)
	g := gcStats{cycles: now.NumGC - before.NumGC}
	// PauseNs is a ring of the last 256 pauses; the newest is at (NumGC+255)%256.
	for i := uint32(0); i < min(g.cycles, 256); i++ {
		g.maxPause = max(g.maxPause, time.Duration(now.PauseNs[(now.NumGC-i+255)%256]))
	}
	return g
}

// logCounter is the handler's logger: it keeps a count of warnings and
// errors and the first few, and drops the rest (one Info line per scored
// quiz would flood the output).
type logCounter struct {
	mu          sync.Mutex
	n           int
	first       []string
	failedSaves []string // ids of results whose save was reported failed
}

// failedSaveRE finds the result id in the store's error for a failed save.
var failedSaveRE = regexp.MustCompile(`save quiz result ([a-z2-7]{26})\b`)

func (l *logCounter) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelWarn
}

func (l *logCounter) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	if len(l.first) < 2 {
		l.first = append(l.first, b.String())
	}
	if m := failedSaveRE.FindStringSubmatch(b.String()); m != nil && len(l.failedSaves) < 100000 {
		l.failedSaves = append(l.failedSaves, m[1])
	}
	return nil
}

func (l *logCounter) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logCounter) WithGroup(string) slog.Handler      { return l }

func (l *logCounter) failedSaveIDs() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.failedSaves)
}

func (l *logCounter) summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == 0 {
		return "no warnings or errors"
	}
	return fmt.Sprintf("%d warnings or errors; first: %s", l.n, strings.Join(l.first, " | "))
}

func sortedKeys[K int | string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// cpuSample is a reading of the machine's CPU counters (/proc/stat) and
// this process's, its waited children's (wrk) included (/proc/self/stat),
// both in clock ticks. ok is false where /proc is missing.
type cpuSample struct {
	ok                       bool
	busy, total, steal, self uint64
}

func sampleCPU() cpuSample {
	stat, err1 := os.ReadFile("/proc/stat")
	self, err2 := os.ReadFile("/proc/self/stat")
	if err1 != nil || err2 != nil {
		return cpuSample{}
	}
	line, _, _ := strings.Cut(string(stat), "\n")
	busy, total, steal, err1 := parseCPULine(line)
	ticks, err2 := parseSelfStat(string(self))
	if err1 != nil || err2 != nil {
		return cpuSample{}
	}
	return cpuSample{ok: true, busy: busy, total: total, steal: steal, self: ticks}
}

// cpuUse is how the CPUs were used between two samples, in CPUs (1.0 is
// one CPU busy throughout).
type cpuUse struct {
	ok           bool
	cpus         int
	self, others float64
	stealFrac    float64
}

func (a cpuSample) until(b cpuSample) cpuUse {
	if !a.ok || !b.ok || b.total <= a.total {
		return cpuUse{}
	}
	n := float64(runtime.NumCPU())
	total := float64(b.total - a.total)
	u := cpuUse{ok: true, cpus: runtime.NumCPU()}
	u.self = float64(b.self-a.self) / total * n
	u.others = max(float64(b.busy-a.busy)/total*n-u.self, 0)
	u.stealFrac = float64(b.steal-a.steal) / total
	return u
}

// suffix is the use as "; CPU: <who> 1.62 of 2, other processes 0.05,
// steal 0%", or "" when unknown.
func (u cpuUse) suffix(who string) string {
	if !u.ok {
		return ""
	}
	return fmt.Sprintf("; CPU: %s %.2f of %d, other processes %.2f, steal %.0f%%", who, u.self, u.cpus, u.others, 100*u.stealFrac)
}

// parseCPULine reads the first line of /proc/stat, "cpu user nice system
// idle iowait irq softirq steal ...", into busy (user, nice, system, irq,
// softirq), total (those, idle, iowait and steal) and steal ticks.
func parseCPULine(line string) (busy, total, steal uint64, err error) {
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0, 0, fmt.Errorf("not a /proc/stat cpu line: %q", line)
	}
	var v [8]uint64
	for i := range v {
		if v[i], err = strconv.ParseUint(f[i+1], 10, 64); err != nil {
			return 0, 0, 0, fmt.Errorf("/proc/stat cpu line: %w", err)
		}
	}
	busy = v[0] + v[1] + v[2] + v[5] + v[6]
	return busy, busy + v[3] + v[4] + v[7], v[7], nil
}

// parseSelfStat reads utime, stime, cutime and cstime from /proc/self/stat
// and returns their sum, in ticks. The command name, in parentheses, may
// hold spaces, so fields are counted from the last ')'.
func parseSelfStat(s string) (uint64, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("/proc/self/stat: no command name")
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3, state
	if len(f) < 15 {
		return 0, errors.New("/proc/self/stat: too few fields")
	}
	var sum uint64
	for _, k := range []int{11, 12, 13, 14} { // fields 14 to 17
		v, err := strconv.ParseInt(f[k], 10, 64) // cutime and cstime are signed
		if err != nil || v < 0 {
			return 0, fmt.Errorf("/proc/self/stat field %d: %q", k+3, f[k])
		}
		sum += uint64(v)
	}
	return sum, nil
}

// loadAverage is the 1, 5 and 15 minute load averages, or "" where
// /proc/loadavg does not exist.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
