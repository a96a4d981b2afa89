// Command loadtest puts the site's function under load on this machine,
// on 127.0.0.1 only, bounded in time and count. Run it from the
// repository root:
//
//	go run ./cmd/loadtest                 # quiz on SQLite
//	go run ./cmd/loadtest -mode book      # bookings on Postgres (book.go)
//
// Both modes serve the real handler (newHandler) and drive it with one
// open-loop generator (openLoop): -rate requests a second for -duration,
// each due at its own time whatever happened to the ones before, with at
// most -workers in flight; each latency runs from when the request was due,
// so a stalled server is charged for the requests queued behind it (no
// coordinated omission). Every success must be exactly one stored row.
//
// Quiz mode serves the handler on a fresh SQLite store and, beside it, a
// bare net/http handler that reads the body and writes 16 bytes: the
// ceiling for any handler here. After one checked request to each, it
//
//  1. POSTs complete quiz forms (Accept: application/json, 201 expected)
//     open-loop at -rate for 1 s untimed, then for -duration, and prints p50, p90, p99 (target
//     under 10 ms) and max, the errors, and the rows stored against the
//     201s received;
//  2. measures throughput with wrk (Debian's, apt-get install wrk), which
//     POSTs the same form: per target an untimed 2 s run, then -rounds runs
//     of -wrk-duration interleaved (bare, quiz, bare, ...), and prints the
//     median Requests/sec of each and quiz/bare (target at least 0.5).
//     Without wrk this step is skipped.
//
// Targets are reported, not enforced: the exit status is non-zero when
// something fails (a server, a check request, wrk, rows that differ from
// responses).
package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/stats"
	"github.com/cassidine/site/internal/theme"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type config struct {
	rate     int
	duration time.Duration
	workers  int
	rounds   int           // quiz: timed wrk runs per target
	wrkTime  time.Duration // quiz: length of each wrk run
	db       string        // book: Postgres URL
	log      *slog.Logger  // the handler's: warnings and errors to stderr
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var cfg config
	mode := fset.String("mode", "quiz", "quiz (SQLite, vs bare net/http) or book (Postgres)")
	fset.IntVar(&cfg.rate, "rate", 500, "open-loop requests per second")
	fset.DurationVar(&cfg.duration, "duration", 10*time.Second, "open-loop length")
	fset.IntVar(&cfg.workers, "workers", 128, "open loop: the most requests in flight")
	fset.IntVar(&cfg.rounds, "rounds", 2, "quiz: timed wrk runs per target (0: none)")
	fset.DurationVar(&cfg.wrkTime, "wrk-duration", 10*time.Second, "quiz: length of each wrk run (whole seconds)")
	fset.StringVar(&cfg.db, "db", "", "book: Postgres URL (default $TEST_DATABASE_URL, else $DATABASE_URL); a fresh schema in it is used and dropped")
	timeout := fset.Duration("timeout", 3*time.Minute, "limit for the whole run")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *mode != "quiz" && *mode != "book" {
		return fmt.Errorf("-mode %q: want quiz or book", *mode)
	}
	if cfg.rate < 1 || cfg.workers < 1 || cfg.duration < time.Second || cfg.wrkTime < time.Second {
		return errors.New("want -rate and -workers of at least 1, -duration and -wrk-duration of at least 1s")
	}
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run from the repository root (the handler reads content/, layouts/ and static/)")
	}
	// One Info line per request would drown the output.
	cfg.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	fmt.Fprintf(stdout, "loadtest: %s %s/%s, %d CPUs; %s mode\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), *mode)
	if *mode == "book" {
		return runBook(ctx, cfg, getenv, stdout)
	}
	return runQuiz(ctx, cfg, getenv, stdout)
}

// newHandler builds the function's handler as cmd/api does, over the
// content folder content (with the repository's layouts/ and static/) and
// the store at db: a postgres:// URL, else a SQLite file. Mail is nil, so
// a booking's emails stay queued in the outbox. It is the one place this
// program builds the handler; the function it returns closes the store.
func newHandler(ctx context.Context, content, db string, log *slog.Logger) (http.Handler, func(), error) {
	secret := make([]byte, 32)
	rand.Read(secret)
	env := map[string]string{"SITE_SECRET": hex.EncodeToString(secret)}
	if strings.HasPrefix(db, "postgres") {
		env["DATABASE_URL"] = db
	} else {
		env["DATA_DIR"] = filepath.Dir(db) // the store is DATA_DIR/site.db
	}
	fn, err := api.Open(ctx, api.Options{
		Getenv:    func(k string) string { return env[k] },
		Sources:   theme.Sources{Content: os.DirFS(content), Layouts: os.DirFS("layouts"), Static: os.DirFS("static")},
		Local:     true,
		QueueMail: true, // emails stay in the outbox: the run measures the function, not a mail server
		Log:       log,
	})
	if err != nil {
		return nil, nil, err
	}
	return fn, func() { fn.Close() }, nil
}

func runQuiz(ctx context.Context, cfg config, getenv func(string) string, stdout io.Writer) error {
	src, err := os.ReadFile(filepath.Join("content", quiz.File))
	if err != nil {
		return err
	}
	q, err := quiz.Parse(quiz.File, src)
	if err != nil {
		return err
	}
	form := url.Values{"v": {quiz.Version(src)}, "website": {""}} // every statement answered, honeypot empty
	for i := range q.Questions {
		form.Set(quiz.FieldName(i), strconv.Itoa(i%quiz.ScaleSize))
	}
	body := form.Encode()

	tmp, err := os.MkdirTemp(cmp.Or(getenv("TMPDIR"), "/tmp"), "loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	dbPath := filepath.Join(tmp, "site.db")
	h, closeStore, err := newHandler(ctx, "content", dbPath, cfg.log)
	if err != nil {
		return err
	}
	defer closeStore()
	db, err := sql.Open("sqlite", dbPath) // the driver the store registers
	if err != nil {
		return err
	}
	defer db.Close()
	rows := func() (n int64, err error) {
		err = db.QueryRowContext(ctx, "SELECT count(*) FROM quiz_results").Scan(&n)
		return n, err
	}
	quizSrv := httptest.NewServer(h)
	defer quizSrv.Close()
	bareSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte(`{"status":"ok"}` + "\n"))
	}))
	defer bareSrv.Close()
	quizURL, bareURL := quizSrv.URL+"/api/quiz", bareSrv.URL+"/"
	fmt.Fprintf(stdout, "servers: quiz %s (the handler on SQLite %s), bare net/http %s; %d-byte form\n", quizURL, dbPath, bareURL, len(body))

	client := newClient(cfg.workers)
	hdr := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}}
	if err := errors.Join(post(ctx, client, quizURL, body, hdr, 201), post(ctx, client, bareURL, body, hdr, 200)); err != nil {
		return fmt.Errorf("check request: %w", err)
	}
	send := func(int) error { return post(ctx, client, quizURL, body, hdr, 201) }
	warm := cfg
	warm.duration = time.Second
	res, err := openLoop(ctx, warm, send)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "quiz open loop warm-up (untimed): %s\n", res)
	before, err := rows()
	if err != nil {
		return err
	}
	res, err = openLoop(ctx, cfg, send)
	if err != nil {
		return err
	}
	after, err := rows()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "quiz open loop: %s\n", res)
	p99 := stats.Percentile(res.lat, 99)
	fmt.Fprintf(stdout, "quiz p99 at %d req/s: %.2f ms (target < 10 ms); p99/target %.2f; rows %d, 201s %d\n",
		cfg.rate, ms(p99), float64(p99)/float64(10*time.Millisecond), after-before, res.ok)
	if after-before != int64(res.ok) {
		return fmt.Errorf("store check: %d rows stored for %d successful responses", after-before, res.ok)
	}

	wrk, err := exec.LookPath("wrk")
	if err != nil || cfg.rounds == 0 {
		fmt.Fprintln(stdout, "throughput: not measured (-rounds 0, or wrk not installed: apt-get install wrk)")
		return nil
	}
	script := filepath.Join(tmp, "post.lua")
	lua := fmt.Sprintf("wrk.method = \"POST\"\nwrk.body = %q\nwrk.headers[\"Content-Type\"] = %q\nwrk.headers[\"Accept\"] = %q\n",
		body, hdr.Get("Content-Type"), hdr.Get("Accept"))
	if err := os.WriteFile(script, []byte(lua), 0o644); err != nil {
		return err
	}
	targets := []struct{ name, url string }{{"bare", bareURL}, {"quiz", quizURL}}
	rps := map[string][]float64{}
	for r := 0; r <= cfg.rounds; r++ { // round 0 is the untimed warm-up
		for _, t := range targets {
			d := cfg.wrkTime
			if r == 0 {
				d = 2 * time.Second
			}
			argv := []string{wrk, "-t2", "-c32", fmt.Sprintf("-d%ds", int(d.Seconds())), "-s", script, t.url}
			v, err := runWrk(ctx, argv)
			if err != nil {
				return err
			}
			if r == 0 {
				fmt.Fprintf(stdout, "wrk warm-up %s: %.0f req/s (untimed): %s\n", t.name, v, strings.Join(argv, " "))
				continue
			}
			rps[t.name] = append(rps[t.name], v)
			fmt.Fprintf(stdout, "wrk round %d/%d %s: %.0f req/s\n", r, cfg.rounds, t.name, v)
		}
	}
	quizRPS, bareRPS := stats.Percentile(rps["quiz"], 50), stats.Percentile(rps["bare"], 50)
	fmt.Fprintf(stdout, "throughput (median of %d wrk runs): quiz %.0f req/s, bare net/http %.0f req/s, quiz/bare %.2f (target >= 0.5)\n",
		cfg.rounds, quizRPS, bareRPS, quizRPS/bareRPS)
	return nil
}

var (
	wrkRPS    = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	wrkNon2xx = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

// runWrk runs wrk and reads Requests/sec from its report; a response
// other than 2xx or 3xx is an error (a broken form is not a fast one).
func runWrk(ctx context.Context, argv []string) (float64, error) {
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	m := wrkRPS.FindSubmatch(out)
	if err != nil || m == nil || wrkNon2xx.Match(out) {
		return 0, fmt.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// result is what one open-loop run saw.
type result struct {
	lat      []time.Duration // of every request sent, from when it was due
	sent, ok int
	firstErr error
	lag      time.Duration // how late the generator handed a request out, at most
	elapsed  time.Duration // from the first due time to the last response
}

func (r result) String() string {
	s := fmt.Sprintf("%d sent, %d ok in %s (%.1f/s); latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; generator lag max %.2f ms",
		r.sent, r.ok, r.elapsed.Round(time.Millisecond), float64(r.ok)/r.elapsed.Seconds(),
		ms(stats.Percentile(r.lat, 50)), ms(stats.Percentile(r.lat, 90)), ms(stats.Percentile(r.lat, 99)), ms(stats.Percentile(r.lat, 100)), ms(r.lag))
	if r.firstErr != nil {
		s += fmt.Sprintf("; %d errors, the first: %v", r.sent-r.ok, r.firstErr)
	}
	return s
}

// openLoop calls send(i) for i from 0 to rate·duration, request i due at
// start + i/rate whatever happened to earlier ones. At most workers run at
// once; a due request waits for a free one, and that wait counts in its
// latency, measured from when it was due to when send returned.
func openLoop(ctx context.Context, cfg config, send func(i int) error) (result, error) {
	n := int(int64(cfg.rate) * int64(cfg.duration) / int64(time.Second))
	res := result{lat: make([]time.Duration, n)}
	errs := make([]error, n)
	due := func(i int) time.Duration { return time.Duration(i) * time.Second / time.Duration(cfg.rate) }
	queue := make(chan int, n)
	start := time.Now()
	var wg sync.WaitGroup
	for range cfg.workers {
		wg.Go(func() {
			for i := range queue {
				errs[i] = send(i)
				res.lat[i] = time.Since(start.Add(due(i)))
			}
		})
	}
	for ; res.sent < n && ctx.Err() == nil; res.sent++ {
		time.Sleep(time.Until(start.Add(due(res.sent))))
		res.lag = max(res.lag, time.Since(start.Add(due(res.sent))))
		queue <- res.sent
	}
	close(queue)
	wg.Wait()
	res.elapsed, res.lat = time.Since(start), res.lat[:res.sent]
	for _, err := range errs[:res.sent] {
		if err == nil {
			res.ok++
		} else if res.firstErr == nil {
			res.firstErr = err
		}
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("open loop stopped after %d of %d requests: %w", res.sent, n, err)
	}
	return res, nil
}

// newClient talks to 127.0.0.1 with at most conns connections and follows
// no redirects. It sets no time limit: every request is answered before
// the rows are counted, within the run's -timeout.
func newClient(conns int) *http.Client {
	return &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// post sends body to u and reads the whole answer; a status other than
// want is an error.
func post(ctx context.Context, c *http.Client, u, body string, hdr http.Header, want int) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = hdr.Clone()
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != want {
		err = fmt.Errorf("POST %s: status %d, want %d: %.200s", u, resp.StatusCode, want, b)
	}
	return err
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
