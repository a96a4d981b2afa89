package main

// Booking mode: go run ./cmd/loadtest -mode book
//
// It books consultations through the real handler against Postgres on this
// machine, at a fixed rate and then flat out, and checks that every
// successful response is exactly one booking row with its two queued emails.
//
//   - Database: -db, else TEST_DATABASE_URL, else DATABASE_URL (it refuses to
//     run without one, or with one on another machine). The run gets a fresh
//     schema (loadtest_<random>, through the search_path connection
//     parameter, as storetest does), which is migrated by store.OpenPostgres
//     and dropped at the end, on error and on Ctrl+C too.
//   - Availability: the site's Shell is built from a temporary content
//     folder whose site.toml is content/site.toml with its [booking] table
//     replaced (wideBookingTOML): 5-minute slots, no buffer, every day
//     00:00-24:00, no minimum notice, a 365-day horizon, no daily limit, no
//     blocked dates; its zone, challenges and company sizes are kept.
//     quiz.toml is copied; layouts/ and static/ are the real ones. The free
//     slots are listed from those rules once, up front, starting -timeout
//     ahead (so none becomes too soon while the run lasts), and request k
//     takes slot spread[k]: a permutation whose every prefix is spread
//     evenly over the year, so each request has its own slot and no part of
//     the calendar fills up before the rest.
//   - Server: api.New with the Postgres store, Mail nil (each booking's two
//     emails are written to the outbox in the booking's transaction and stay
//     there), a random 32-byte secret and the real clock, mounted at /api/
//     on 127.0.0.1. The handler allows 10 bookings an hour per client
//     address (r.RemoteAddr) and 5 a day per email, counted in the store. So
//     that the run measures booking and not the rate limiter, a middleware
//     in this binary only (syntheticClients) sets r.RemoteAddr from the
//     request's X-Loadtest-Client header, and request k comes from its own
//     address (10.x.y.z) with its own email; the limits are still counted,
//     two rate_hits upserts per booking, as in production.
//   - Check: one booking by hand (201 JSON, its start the slot asked for,
//     then its done page 200) before any load.
//   - Open loop: -rate bookings/s for -duration from at most -workers
//     requests in flight, scheduled by the clock; each latency is measured
//     from the request's scheduled send time (no coordinated omission). The
//     requests send Accept: application/json, as the booking page's script
//     does, and succeed with 201; the no-JS form's 303 does the same work
//     in the store and differs only in the answer.
//   - Closed loop: -closed requests in flight, each sent as soon as the
//     last one returned, for -closed-duration: the ceiling on this machine.
//   - Store check: after each phase, with nothing in flight, SELECT count(*)
//     of bookings and outbox. Each phase must add exactly one booking per
//     201 the client received and two outbox rows per booking; at the end
//     the rows must equal the server's successes, every booking must have
//     its own start and two messages.
//
// Flags:
//
//	-mode book
//	-rate             open-loop bookings per second (default 500)
//	-duration         open-loop length (default 20s)
//	-workers          open-loop workers, the most requests in flight (default 128)
//	-closed           closed-loop concurrency; 0 skips that phase (default 32)
//	-closed-duration  closed-loop length (default 10s)
//	-db               Postgres URL (default TEST_DATABASE_URL, else DATABASE_URL)
//	-timeout          limit for the whole run (default 2m)
//	-cpuprofile       write a CPU profile of the open-loop phase to this file
//	-pgsample         sample pg_stat_activity for the run's connections every
//	                  10 ms during the open loop and report where they were,
//	                  and EXPLAIN ANALYZE the handler's busy-time query at the end
//
// Each phase also reports the CPU used by this process (server and
// generator together), by the postgres processes, and by everything else.
//
// The target (at least 500 bookings/s sustained, no errors, rows equal to
// responses) is reported, not enforced: the exit status is non-zero only
// when the harness fails (flags, database, server, the check request) or
// the store disagrees with the responses.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pelletier/go-toml/v2"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/runenv"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/theme"
)

// bookRateTarget is the booking rate the issue asks for.
const bookRateTarget = 500

// clientHeader carries a request's synthetic client address.
const clientHeader = "X-Loadtest-Client"

// The [booking] settings of the wide window.
const (
	wideSlotMinutes = 5
	wideHorizonDays = 365
	wideWindow      = "00:00-24:00"
)

// bookingTimeZone is the visitor zone the requests send (tz), unlike the
// consultant's, so the emails carry the third time line as they often will.
const bookingTimeZone = "Europe/London"

var errNoDatabase = errors.New("-mode book needs Postgres")

type bookConfig struct {
	rate           int
	duration       time.Duration
	workers        int
	closed         int
	closedDuration time.Duration
	db             string
	timeout        time.Duration
	cpuprofile     string
	pgsample       bool
}

func runBook(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) (err error) {
	fset := flag.NewFlagSet("loadtest -mode book", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var cfg bookConfig
	fset.String("mode", "book", "quiz, or book for this booking benchmark")
	fset.IntVar(&cfg.rate, "rate", bookRateTarget, "open-loop bookings per second")
	fset.DurationVar(&cfg.duration, "duration", 20*time.Second, "open-loop length")
	fset.IntVar(&cfg.workers, "workers", 128, "open-loop workers: the most requests in flight at once")
	fset.IntVar(&cfg.closed, "closed", 32, "closed-loop concurrency (0 skips the closed-loop phase)")
	fset.DurationVar(&cfg.closedDuration, "closed-duration", 10*time.Second, "closed-loop length")
	fset.StringVar(&cfg.db, "db", "", "Postgres URL (default $TEST_DATABASE_URL, else $DATABASE_URL); a fresh schema is made in it and dropped")
	fset.DurationVar(&cfg.timeout, "timeout", 2*time.Minute, "limit for the whole run")
	fset.StringVar(&cfg.cpuprofile, "cpuprofile", "", "write a CPU profile of the open-loop phase to this file")
	fset.BoolVar(&cfg.pgsample, "pgsample", false, "sample pg_stat_activity for the run's connections every 10 ms during the open loop, and EXPLAIN ANALYZE the busy-time query at the end")
	fset.Usage = func() {
		fmt.Fprintln(fset.Output(), "usage: go run ./cmd/loadtest -mode book [-rate 500] [-duration 20s] [-workers 128] [-closed 32] [-closed-duration 10s] [-db URL] [-timeout 2m] [-cpuprofile FILE] [-pgsample]")
		fset.PrintDefaults()
	}
	if help, err := parseArgs(fset, args, stderr); help || err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return err
	}
	dbURL, dbFrom := databaseURL(cfg.db, getenv)
	if dbURL == "" {
		return fmt.Errorf("%w: pass -db postgres://user@127.0.0.1:5432/db or set TEST_DATABASE_URL (or DATABASE_URL); the run makes its own schema in that database and drops it at the end", errNoDatabase)
	}
	pgcfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		return fmt.Errorf("the database URL from %s is not valid: %w", dbFrom, err)
	}
	if !localHost(pgcfg.Host) {
		return fmt.Errorf("the database from %s is on %s: -mode book runs against Postgres on this machine only (127.0.0.1, ::1, localhost or a Unix socket)", dbFrom, pgcfg.Host)
	}

	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	defer func() {
		if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("stopped after -timeout %s: %w", cfg.timeout, err)
		}
	}()
	root, err := printRunHeader(stdout, args)
	if err != nil {
		return err
	}
	if la := loadAverage(); la != "" {
		fmt.Fprintf(stdout, "machine: load average %s at start (other processes share the CPUs with Postgres, the server and the generator)\n", la)
		defer func() { fmt.Fprintf(stdout, "machine: load average %s at the end\n", loadAverage()) }()
	}

	// The database: a fresh schema, dropped at the end whatever happens.
	admin, err := sql.Open("pgx", dbURL) // the driver store registers
	if err != nil {
		return err
	}
	defer admin.Close()
	admin.SetMaxOpenConns(2)
	var version string
	if err := admin.QueryRowContext(ctx, "SELECT current_setting('server_version')").Scan(&version); err != nil {
		return fmt.Errorf("connecting to Postgres (%s from %s): %w", pgTarget(pgcfg), dbFrom, err)
	}
	pgVersion, _, _ := strings.Cut(version, " ")
	var b8 [8]byte
	rand.Read(b8[:])
	schema := "loadtest_" + hex.EncodeToString(b8[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return fmt.Errorf("create schema %s: %w", schema, err)
	}
	defer func() {
		dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer dcancel()
		if _, derr := admin.ExecContext(dctx, "DROP SCHEMA "+schema+" CASCADE"); derr != nil {
			fmt.Fprintf(stdout, "postgres: could not drop schema %s (drop it by hand: DROP SCHEMA %s CASCADE): %v\n", schema, schema, derr)
			err = errors.Join(err, fmt.Errorf("drop schema %s: %w", schema, derr))
			return
		}
		fmt.Fprintf(stdout, "postgres: schema %s dropped\n", schema)
	}()
	schemaURL, err := withSearchPath(dbURL, schema)
	if err != nil {
		return err
	}
	appName := schema // the store's connections, for -pgsample
	storeURL, err := withParam(schemaURL, "application_name", appName)
	if err != nil {
		return err
	}
	st, err := store.OpenPostgres(ctx, storeURL)
	if err != nil {
		return err
	}
	defer st.Close()
	counter, err := sql.Open("pgx", schemaURL)
	if err != nil {
		return err
	}
	defer counter.Close()
	counter.SetMaxOpenConns(1)
	fmt.Fprintf(stdout, "postgres: %s at %s (URL from %s), schema %s made for this run and migrated; dropped at the end\n",
		version, pgTarget(pgcfg), dbFrom, schema)

	// The site with a wide availability window.
	tmp, err := os.MkdirTemp(runenv.TempDir(getenv), "loadtest-book-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	contentDir := filepath.Join(tmp, "content")
	if err := os.Mkdir(contentDir, 0o755); err != nil {
		return err
	}
	siteSrc, err := os.ReadFile(filepath.Join(root, "content", "site.toml"))
	if err != nil {
		return err
	}
	wide, err := wideBookingTOML(siteSrc)
	if err != nil {
		return fmt.Errorf("content/site.toml: %w", err)
	}
	if err := os.WriteFile(filepath.Join(contentDir, "site.toml"), wide, 0o644); err != nil {
		return err
	}
	if q, err := os.ReadFile(filepath.Join(root, "content", "quiz.toml")); err == nil {
		if err := os.WriteFile(filepath.Join(contentDir, "quiz.toml"), q, 0o644); err != nil {
			return err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	shell, err := theme.Load(theme.Sources{
		Content: os.DirFS(contentDir),
		Layouts: os.DirFS(filepath.Join(root, "layouts")),
		Static:  os.DirFS(filepath.Join(root, "static")),
	}, "")
	if err != nil {
		return fmt.Errorf("loading the site's shell with the wide [booking] table: %w", err)
	}
	rules := shell.Rules()
	if rules == nil {
		return errors.New("the rewritten site.toml has no booking rules")
	}
	bk := shell.Site().Booking
	fmt.Fprintf(stdout, "site: content/site.toml with its [booking] table replaced: %d-minute slots, no buffer, every day %s, minNoticeHours 0, horizonDays %d, maxPerDay 0 (no limit), no blocked dates; zone %s, %d challenges and %d company sizes kept; quiz.toml, layouts/ and static/ as they are\n",
		wideSlotMinutes, wideWindow, wideHorizonDays, rules.Location, len(bk.Challenges), len(bk.CompanySizes))

	now := time.Now()
	slots := rules.Slots(now.Add(cfg.timeout), now.AddDate(0, 0, rules.HorizonDays+1), now, nil)
	order := spread(len(slots))
	openN := len(schedule(cfg.rate, cfg.duration))
	if need := 1 + openN; need > len(slots) {
		return fmt.Errorf("the wide window has %d free slots; the check and %d bookings/s for %s need %d: lower -rate or -duration", len(slots), cfg.rate, cfg.duration, need)
	}
	fmt.Fprintf(stdout, "slots: %d free slots from %s to %s (listed from the rules once, starting -timeout ahead so none becomes too soon during the run); request k books slot spread(k), a permutation that spreads every phase over the whole year, so each request has its own slot\n",
		len(slots), slots[0].Start.Format(time.RFC3339), slots[len(slots)-1].Start.Format(time.RFC3339))

	// The server.
	secret := make([]byte, 32)
	rand.Read(secret)
	logs := &logCounter{}
	stats := &serverStats{path: "/api/book", what: "booking"}
	h := api.New(api.Deps{Store: st, Theme: shell, Mail: nil, Secret: secret, Now: time.Now, Log: slog.New(logs)})
	mux := http.NewServeMux()
	mux.Handle("/api/", h) // the handler strips /api itself
	srv, err := startServer(stats.wrap(syntheticClients(mux)))
	if err != nil {
		return err
	}
	defer srv.stop()
	bookURL := srv.url + "/api/book"
	fmt.Fprintf(stdout, "server: %s (api.New with the Postgres store; Mail nil, so each booking's two emails are written to the outbox in the booking's own transaction and stay queued, nothing is sent)\n", bookURL)
	fmt.Fprintf(stdout, "clients: request k sends %s: 10.x.y.z, its own address, which a middleware in this binary only copies into r.RemoteAddr, and its own email (loadtest-k@example.com): the handler allows %d bookings an hour per client address and %d a day per email, so from one address this would measure the rate limiter's 429s; the limits are still counted (two rate_hits upserts per booking)\n",
		clientHeader, 10, 5)

	client := newClient(max(cfg.workers, cfg.closed))
	defer client.CloseIdleConnections()
	next := 0 // the next request number, and so its slot and client
	req := func(k int) (body string, headers [][2]string) {
		return bookBody(k, slots[order[k]], bk.CompanySizes, bk.Challenges), bookHeaders(k)
	}
	if err := bookPreflight(ctx, client, srv.url, req, slots[order[0]], stdout); err != nil {
		return err
	}
	next++

	// Open loop.
	if err := stats.quiesce(ctx); err != nil {
		return err
	}
	before, err := countPhase(ctx, counter)
	if err != nil {
		return err
	}
	answeredBefore := stats.created.Load()
	offs := schedule(cfg.rate, cfg.duration)
	bodies := make([]string, len(offs))
	headers := make([][][2]string, len(offs))
	for i := range offs {
		bodies[i], headers[i] = req(next + i)
	}
	fmt.Fprintf(stdout, "open loop: POST %s with Accept: application/json (success is 201 with the booking as JSON, as for the page's script; the no-JS form's 303 does the same store work), %d bookings/s for %s = %d requests, at most %d in flight; latency from each request's scheduled send time\n",
		bookURL, cfg.rate, cfg.duration, len(offs), cfg.workers)
	runtime.GC()
	var memBefore runtime.MemStats
	runtime.ReadMemStats(&memBefore)
	cpuBefore := sampleBookCPU()
	stopProfile, err := startCPUProfile(cfg.cpuprofile)
	if err != nil {
		return err
	}
	stopSampling := func() pgActivity { return pgActivity{} }
	if cfg.pgsample {
		stopSampling = samplePG(ctx, admin, appName, 10*time.Millisecond)
	}
	ol, err := openLoopDo(ctx, offs, cfg.workers, func(i int, due time.Time) (time.Duration, string) {
		return send(ctx, client, bookURL, headers[i], bodies[i], http.StatusCreated, due)
	})
	activity := stopSampling()
	stopProfile()
	if err != nil {
		return err
	}
	next += ol.sent
	gc := gcSince(&memBefore)
	cpuUse := cpuBefore.until(sampleBookCPU())
	if err := stats.quiesce(ctx); err != nil {
		return err
	}
	after, err := countPhase(ctx, counter)
	if err != nil {
		return err
	}
	olRows, olOutbox := after.bookings-before.bookings, after.outbox-before.outbox
	olServer := stats.created.Load() - answeredBefore
	lat := summarize(ol.latencies)
	achieved := rateOf(ol.ok, ol.elapsed)
	secs := perSecond(offs, ol.latencies, ol.fails, cfg.duration)
	fmt.Fprintf(stdout, "open loop: sent %d in %s; generator lag max %s ms (how late a request left its slot); %d GC cycles in the process, longest pause %s ms%s\n",
		ol.sent, ol.elapsed.Round(time.Millisecond), fmtMS(ol.maxLag), gc.cycles, fmtMS(gc.maxPause), cpuUse.suffix())
	if s := cpuUse.perBooking(ol.ok); s != "" {
		fmt.Fprintf(stdout, "open loop %s\n", s)
	}
	fmt.Fprintf(stdout, "open loop latency: p50 %s ms, p90 %s ms, p99 %s ms, max %s ms (%d samples)\n",
		fmtMS(lat.p50), fmtMS(lat.p90), fmtMS(lat.p99), fmtMS(lat.max), lat.n)
	fmt.Fprintf(stdout, "open loop rate: %d × 201 in %s from the first scheduled send to the last response = %.1f bookings/s; 201s completed per whole second: %s\n",
		ol.ok, ol.elapsed.Round(time.Millisecond), achieved, secondsSummary(secs))
	fmt.Fprintf(stdout, "open loop statuses: %s\n", statusSummary(ol.ok, ol.errors))
	if ol.firstErr != "" {
		fmt.Fprintf(stdout, "open loop first error: %s\n", ol.firstErr)
	}
	if cfg.pgsample {
		fmt.Fprintf(stdout, "open loop postgres: %s\n", activity.summary(8))
	}
	if cfg.cpuprofile != "" {
		fmt.Fprintf(stdout, "open loop CPU profile: %s (go tool pprof -top %s)\n", cfg.cpuprofile, cfg.cpuprofile)
	}
	fmt.Fprintf(stdout, "open loop store: %d bookings and %d outbox rows added; the client got %d × 201, the server answered %d × 201\n",
		olRows, olOutbox, ol.ok, olServer)

	// Closed loop.
	var cl closedLoopResult
	clRows, clOutbox := int64(0), int64(0)
	if cfg.closed > 0 {
		limit := len(slots) - next
		fmt.Fprintf(stdout, "closed loop: %d requests in flight, each sent when the last returned, for %s (at most %d more bookings, the slots left); %d bookings in the table at the start\n",
			cfg.closed, cfg.closedDuration, limit, after.bookings)
		base := next
		cpuBefore := sampleBookCPU()
		cl = closedLoop(ctx, cfg.closed, cfg.closedDuration, limit, func(i int, start time.Time) (time.Duration, string) {
			body, hdrs := req(base + i)
			return send(ctx, client, bookURL, hdrs, body, http.StatusCreated, start)
		})
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("closed loop stopped after %d requests: %w", cl.sent, err)
		}
		next += cl.sent
		cpuUse := cpuBefore.until(sampleBookCPU())
		if err := stats.quiesce(ctx); err != nil {
			return err
		}
		end, err := countPhase(ctx, counter)
		if err != nil {
			return err
		}
		clRows, clOutbox = end.bookings-after.bookings, end.outbox-after.outbox
		clLat := summarize(cl.latencies)
		ran := ""
		if cl.ranOut {
			ran = " (stopped early: no slots left)"
		}
		fmt.Fprintf(stdout, "closed loop: %d × 201 in %s = %.1f bookings/s%s%s\n",
			cl.ok, cl.elapsed.Round(time.Millisecond), rateOf(cl.ok, cl.elapsed), ran, cpuUse.suffix())
		if s := cpuUse.perBooking(cl.ok); s != "" {
			fmt.Fprintf(stdout, "closed loop %s\n", s)
		}
		fmt.Fprintf(stdout, "closed loop latency: p50 %s ms, p90 %s ms, p99 %s ms, max %s ms (%d samples, from each request's send)\n",
			fmtMS(clLat.p50), fmtMS(clLat.p90), fmtMS(clLat.p99), fmtMS(clLat.max), clLat.n)
		fmt.Fprintf(stdout, "closed loop statuses: %s\n", statusSummary(cl.ok, cl.errors))
		if cl.firstErr != "" {
			fmt.Fprintf(stdout, "closed loop first error: %s\n", cl.firstErr)
		}
		fmt.Fprintf(stdout, "closed loop store: %d bookings and %d outbox rows added for %d × 201\n", clRows, clOutbox, cl.ok)
	}

	// The store against what was answered.
	if err := stats.quiesce(ctx); err != nil {
		return err
	}
	total, err := countTotals(ctx, counter)
	if err != nil {
		return err
	}
	served := stats.created.Load() + stats.seeOther.Load()
	fmt.Fprintf(stdout, "store: %d bookings, %d distinct starts, %d distinct client address hashes, %d distinct emails; %d outbox rows (%d bookings without exactly 2); %d rate_hits rows; the server answered %d successes (%d × 201, %d × 303) and %d other statuses (%s)\n",
		total.bookings, total.starts, total.ipHashes, total.emails, total.outbox, total.notTwo, total.rateHits,
		served, stats.created.Load(), stats.seeOther.Load(), stats.other.Load(), stats.otherSummary())
	fmt.Fprintf(stdout, "handler log: %s\n", logs.summary())
	if cfg.pgsample {
		mid := slots[len(slots)/2].Start
		plan, err := explainBusy(ctx, counter, mid)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "postgres: the handler's busy-time query (store.ActiveBookings, start ± 48 h) for %s with %d bookings in the table, EXPLAIN ANALYZE:\n", mid.Format(time.RFC3339), total.bookings)
		for _, line := range plan {
			fmt.Fprintf(stdout, "  %s\n", line)
		}
	}
	var problems []string
	if olRows != int64(ol.ok) {
		problems = append(problems, fmt.Sprintf("the open loop added %d bookings for %d × 201 received", olRows, ol.ok))
	}
	if cfg.closed > 0 && clRows != int64(cl.ok) {
		problems = append(problems, fmt.Sprintf("the closed loop added %d bookings for %d × 201 received", clRows, cl.ok))
	}
	if total.bookings != served {
		problems = append(problems, fmt.Sprintf("%d bookings for %d successful responses from the server", total.bookings, served))
	}
	if total.outbox != 2*total.bookings || total.notTwo != 0 {
		problems = append(problems, fmt.Sprintf("%d outbox rows for %d bookings (%d without exactly 2)", total.outbox, total.bookings, total.notTwo))
	}
	if total.starts != total.bookings {
		problems = append(problems, fmt.Sprintf("%d bookings share %d starts", total.bookings, total.starts))
	}
	if len(problems) == 0 {
		fmt.Fprintf(stdout, "store check: %d bookings = %d successful responses; %d outbox rows = 2 × bookings; every booking has its own slot\n",
			total.bookings, served, total.outbox)
	} else {
		fmt.Fprintf(stdout, "store check: FAILED: %s\n", strings.Join(problems, "; "))
	}

	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT met"
	}
	sustained := sustainedMet(cfg.rate, len(offs), ol.ok, ol.elapsed)
	fmt.Fprintf(stdout, "targets: >= %d bookings/s sustained %s (offered >= %d/s, every request 201, and at least 99%% of the offered rate achieved from the first send to the last response); 0 errors %s; rows = responses %s\n",
		bookRateTarget, met(sustained), bookRateTarget, met(ol.failed() == 0 && cl.failed() == 0), met(len(problems) == 0))
	fmt.Fprintln(stdout, bookSummary(achieved, cfg.rate, cfg.duration, pgVersion, ol.ok, ol.failed(), lat.p99, olRows, olOutbox))
	if len(problems) > 0 {
		return fmt.Errorf("store check: %s", strings.Join(problems, "; "))
	}
	return nil
}

func (c bookConfig) check() error {
	switch {
	case c.rate < 1 || c.rate > 100000:
		return fmt.Errorf("-rate: got %d, want 1 to 100000", c.rate)
	case c.duration < time.Second/time.Duration(c.rate):
		return fmt.Errorf("-duration: got %s, too short for one booking at %d/s", c.duration, c.rate)
	case c.workers < 1 || c.workers > 1000:
		return fmt.Errorf("-workers: got %d, want 1 to 1000", c.workers)
	case c.closed < 0 || c.closed > 1000:
		return fmt.Errorf("-closed: got %d, want 0 (skip) to 1000", c.closed)
	case c.closed > 0 && c.closedDuration <= 0:
		return fmt.Errorf("-closed-duration: got %s, want more than 0 (or -closed 0)", c.closedDuration)
	case c.timeout <= 0:
		return fmt.Errorf("-timeout: got %s, want more than 0", c.timeout)
	}
	if need := c.planned(); need > c.timeout {
		return fmt.Errorf("-timeout %s is shorter than the planned run (%s): lower -duration or -closed-duration, or raise -timeout", c.timeout, need)
	}
	return nil
}

// planned is how long the run takes at least, with room for the schema,
// the check request, counting and the drop.
func (c bookConfig) planned() time.Duration {
	d := c.duration + 20*time.Second
	if c.closed > 0 {
		d += c.closedDuration
	}
	return d
}

// modeArg returns the value of -mode (or --mode) in args, "quiz" when it
// is absent. Flags after "--" are not flags.
func modeArg(args []string) string {
	mode := "quiz"
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		name, ok := strings.CutPrefix(a, "--")
		if !ok {
			name, ok = strings.CutPrefix(a, "-")
		}
		if !ok {
			continue
		}
		switch {
		case name == "mode" && i+1 < len(args):
			mode = args[i+1]
			i++
		case strings.HasPrefix(name, "mode="):
			mode = strings.TrimPrefix(name, "mode=")
		}
	}
	return mode
}

// databaseURL is the Postgres URL to use and where it came from: -db,
// else TEST_DATABASE_URL, else DATABASE_URL; "" when none is set.
func databaseURL(flagValue string, getenv func(string) string) (u, from string) {
	if flagValue != "" {
		return flagValue, "-db"
	}
	for _, name := range []string{"TEST_DATABASE_URL", "DATABASE_URL"} {
		if v := getenv(name); v != "" {
			return v, name
		}
	}
	return "", ""
}

// localHost reports whether a Postgres host is this machine: a loopback
// address, localhost, or a Unix socket folder.
func localHost(host string) bool {
	if host == "localhost" || strings.HasPrefix(host, "/") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// pgTarget names the database without its password: user@host:port/db.
func pgTarget(c *pgx.ConnConfig) string {
	return fmt.Sprintf("%s@%s/%s", c.User, net.JoinHostPort(c.Host, strconv.Itoa(int(c.Port))), c.Database)
}

// withParam sets a run-time parameter in a postgres:// URL or a
// key=value connection string.
func withParam(conn, key, value string) (string, error) {
	if !strings.HasPrefix(conn, "postgres://") && !strings.HasPrefix(conn, "postgresql://") {
		return conn + " " + key + "=" + value, nil
	}
	u, err := url.Parse(conn)
	if err != nil {
		return "", fmt.Errorf("the database URL is not valid: %w", err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// withSearchPath sets the search_path run-time parameter, which pgx sends
// at connection start-up, in either connection-string form (as storetest
// does).
func withSearchPath(conn, schema string) (string, error) {
	return withParam(conn, "search_path", schema)
}

// wideBookingTOML returns site.toml's text with its [booking] table made
// wide: wideSlotMinutes slots with no buffer, every day wideWindow, no
// minimum notice, wideHorizonDays, no daily limit and no blocked dates.
// The table's other keys (timeZone, challenges, companySizes, ...) and
// the rest of the file are kept; comments are not.
func wideBookingTOML(src []byte) ([]byte, error) {
	var doc map[string]any
	if err := toml.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	old, ok := doc["booking"].(map[string]any)
	if !ok {
		return nil, errors.New("no [booking] table: the site takes no bookings")
	}
	bk := maps.Clone(old)
	delete(bk, "blocked")
	bk["slotMinutes"] = wideSlotMinutes
	bk["bufferMinutes"] = 0
	bk["minNoticeHours"] = 0
	bk["horizonDays"] = wideHorizonDays
	bk["maxPerDay"] = 0
	hours := map[string]any{}
	for _, day := range []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"} {
		hours[day] = []string{wideWindow}
	}
	bk["hours"] = hours
	doc["booking"] = bk
	out, err := toml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return append([]byte("# Written by cmd/loadtest -mode book: content/site.toml with a wide [booking] table.\n"), out...), nil
}

// spread returns a permutation of 0..n-1 whose every prefix is spread
// evenly over the range: k → k·s mod n, with s the integer nearest n/φ
// that is coprime with n (a golden-ratio stride: by the three-gap theorem
// the first k values split the range into gaps of at most three lengths).
func spread(n int) []int {
	if n <= 0 {
		return nil
	}
	s := max(int(math.Round(float64(n)/math.Phi)), 1)
	for gcd(s, n) != 1 {
		s++
	}
	out := make([]int, n)
	for k := range out {
		out[k] = int(int64(k) * int64(s) % int64(n))
	}
	return out
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// clientAddr is request k's synthetic client address, 10.x.y.z from
// k+1, distinct for k below 2²⁴−1.
func clientAddr(k int) string {
	n := k + 1
	return fmt.Sprintf("10.%d.%d.%d", n>>16&0xff, n>>8&0xff, n&0xff)
}

// bookHeaders are request k's headers: a form, JSON wanted, its client.
func bookHeaders(k int) [][2]string {
	return append(formHeaders(true), [2]string{clientHeader, clientAddr(k)})
}

// bookBody is request k's booking form, complete and valid, with every
// field the page sends: its own name and email, a company size and two
// challenges from the site's lists, consent, the slot's start (RFC 3339,
// UTC), no quiz result, the visitor's zone, and the honeypot present and
// empty.
func bookBody(k int, slot booking.Slot, sizes, challenges []string) string {
	v := url.Values{}
	v.Set("name", "Load Test "+strconv.Itoa(k))
	v.Set("email", "loadtest-"+strconv.Itoa(k)+"@example.com")
	v.Set("company", "Loadtest Co")
	v.Set("role", "Operations")
	if len(sizes) > 0 {
		v.Set("size", sizes[k%len(sizes)])
	}
	if n := len(challenges); n > 0 {
		v.Add("challenges", challenges[k%n])
		if n > 1 {
			v.Add("challenges", challenges[(k+1)%n])
		}
	}
	v.Set("message", "Booked by cmd/loadtest, request "+strconv.Itoa(k)+".")
	v.Set("consent", "yes")
	v.Set("slot", slot.Start.UTC().Format(time.RFC3339))
	v.Set("result", "")
	v.Set("tz", bookingTimeZone)
	v.Set("website", "")
	return v.Encode()
}

// syntheticClients sets r.RemoteAddr from the X-Loadtest-Client header,
// when it holds an IP address, so each request counts as its own client
// in the handler's per-address rate limit. It lives in this binary only.
func syntheticClients(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := net.ParseIP(r.Header.Get(clientHeader))
		if ip == nil {
			h.ServeHTTP(w, r)
			return
		}
		r2 := r.WithContext(r.Context()) // a shallow copy
		r2.RemoteAddr = net.JoinHostPort(ip.String(), "1")
		h.ServeHTTP(w, r2)
	})
}

// bookPreflight books one slot by hand: 201 with an id, the start asked
// for and a done link, which then answers 200.
func bookPreflight(ctx context.Context, client *http.Client, base string, req func(k int) (string, [][2]string), slot booking.Slot, stdout io.Writer) error {
	do := func(method, u string, headers [][2]string, body string) (*http.Response, []byte, error) {
		return checkRequest(ctx, client, method, u, headers, body)
	}
	bookURL := base + "/api/book"
	body, headers := req(0)
	resp, b, err := do(http.MethodPost, bookURL, headers, body)
	if err != nil {
		return fmt.Errorf("check request: POST %s: %w", bookURL, err)
	}
	var booked struct {
		ID    string    `json:"id"`
		Start time.Time `json:"start"`
		URL   string    `json:"url"`
	}
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(b, &booked) != nil || !store.ValidID(booked.ID) || !booked.Start.Equal(slot.Start) || !strings.HasPrefix(booked.URL, "/api/book/done?") {
		return fmt.Errorf("check request: POST %s (JSON) for %s: got %s %q, want 201 with the booking", bookURL, slot.Start.Format(time.RFC3339), resp.Status, truncate(b, 300))
	}
	resp, b, err = do(http.MethodGet, base+booked.URL, nil, "")
	if err != nil {
		return fmt.Errorf("check request: GET %s: %w", booked.URL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("check request: GET %s: got %s %q, want 200", booked.URL, resp.Status, truncate(b, 300))
	}
	fmt.Fprintf(stdout, "check: POST /api/book (JSON) 201, id %s, start %s; GET %s 200, %d bytes\n",
		booked.ID, booked.Start.UTC().Format(time.RFC3339), strings.SplitN(booked.URL, "?", 2)[0], len(b))
	return nil
}

// startCPUProfile starts a CPU profile to path ("" does nothing) and
// returns the function that stops it.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// phaseCounts are the rows a phase adds.
type phaseCounts struct{ bookings, outbox int64 }

func countPhase(ctx context.Context, db *sql.DB) (phaseCounts, error) {
	var c phaseCounts
	err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM bookings), (SELECT count(*) FROM outbox)`).Scan(&c.bookings, &c.outbox)
	if err != nil {
		return c, fmt.Errorf("counting bookings: %w", err)
	}
	return c, nil
}

// totals are the end-of-run checks on the store.
type totals struct {
	bookings, outbox, starts, ipHashes, emails, notTwo, rateHits int64
}

func countTotals(ctx context.Context, db *sql.DB) (totals, error) {
	var t totals
	err := db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM bookings),
		(SELECT count(*) FROM outbox),
		(SELECT count(DISTINCT start_at) FROM bookings),
		(SELECT count(DISTINCT ip_hash) FROM bookings),
		(SELECT count(DISTINCT lower(email)) FROM bookings),
		(SELECT count(*) FROM bookings b WHERE (SELECT count(*) FROM outbox o WHERE o.booking = b.id) <> 2),
		(SELECT count(*) FROM rate_hits)`).
		Scan(&t.bookings, &t.outbox, &t.starts, &t.ipHashes, &t.emails, &t.notTwo, &t.rateHits)
	if err != nil {
		return t, fmt.Errorf("counting the store: %w", err)
	}
	return t, nil
}

// explainBusy runs EXPLAIN ANALYZE on the query store.ActiveBookings runs
// (internal/store/booking_sql.go) for the window handleBook asks for
// around start, and returns the plan's lines.
func explainBusy(ctx context.Context, db *sql.DB, start time.Time) ([]string, error) {
	rows, err := db.QueryContext(ctx, `EXPLAIN (ANALYZE, BUFFERS) SELECT id, created_at, start_at, end_at, name, email, company, role, company_size,
	challenges, message, quiz_result, ip_hash, sequence, cancelled_at FROM bookings
		WHERE cancelled_at IS NULL AND start_at < $2 AND end_at > $1
		ORDER BY start_at, id`, start.Add(-48*time.Hour).UTC(), start.Add(48*time.Hour).UTC())
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		plan = append(plan, line)
	}
	return plan, rows.Err()
}

// closedLoopResult is what the closed-loop phase saw.
type closedLoopResult struct {
	sent, ok  int
	latencies []time.Duration // from each request's send
	errors    map[string]int  // kind → count
	firstErr  string
	elapsed   time.Duration
	ranOut    bool // stopped because limit requests were sent
}

func (r closedLoopResult) failed() int { return r.sent - r.ok }

// closedLoop runs conc workers that each send a request as soon as their
// last one returned, until d has passed (requests in flight then are
// finished and counted) or limit requests have been sent. do sends request
// i, numbered from 0, and returns its latency from start and what went
// wrong or "".
func closedLoop(ctx context.Context, conc int, d time.Duration, limit int, do func(i int, start time.Time) (time.Duration, string)) closedLoopResult {
	var (
		next   atomic.Int64
		ranOut atomic.Bool
		mu     sync.Mutex
		wg     sync.WaitGroup
	)
	res := closedLoopResult{errors: map[string]int{}}
	start := time.Now()
	end := start.Add(d)
	for range conc {
		wg.Go(func() {
			var lats []time.Duration
			var fails []string
			for ctx.Err() == nil && time.Now().Before(end) {
				i := int(next.Add(1) - 1)
				if i >= limit {
					ranOut.Store(true)
					break
				}
				t := time.Now()
				l, f := do(i, t)
				lats = append(lats, l)
				fails = append(fails, f)
			}
			mu.Lock()
			defer mu.Unlock()
			res.latencies = append(res.latencies, lats...)
			for _, f := range fails {
				res.sent++
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
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.ranOut = ranOut.Load()
	return res
}

// rateOf is n per second of d, 0 for no time.
func rateOf(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// perSecond counts, for each whole second s of [0, d), the successful
// requests whose response came in [s, s+1): request i was due at offs[i]
// and took lats[i]; fails[i] is "" for a success. Responses after d are
// not counted.
func perSecond(offs, lats []time.Duration, fails []string, d time.Duration) []int {
	n := int(d / time.Second)
	counts := make([]int, n)
	for i := range min(len(offs), len(lats), len(fails)) {
		if fails[i] != "" {
			continue
		}
		if s := int((offs[i] + lats[i]) / time.Second); s < n {
			counts[s]++
		}
	}
	return counts
}

// secondsSummary is "min 497, median 500, max 503 over 20 s", or "n/a".
func secondsSummary(counts []int) string {
	if len(counts) == 0 {
		return "n/a (under one second)"
	}
	s := slices.Clone(counts)
	slices.Sort(s)
	return fmt.Sprintf("min %d, median %d, max %d over %d s", s[0], s[(len(s)-1)/2], s[len(s)-1], len(s))
}

// statusSummary is "10000 × 201, 0 errors" or "9990 × 201, 10 errors
// (7 × status 409, 3 × transport)".
func statusSummary(ok int, errs map[string]int) string {
	n := 0
	var parts []string
	for _, k := range sortedKeys(errs) {
		n += errs[k]
		parts = append(parts, fmt.Sprintf("%d × %s", errs[k], k))
	}
	s := fmt.Sprintf("%d × 201, %d errors", ok, n)
	if n > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

// sustainedMet is the rate target: at least bookRateTarget offered, every
// one of the n requests a success, and at least 99% of the offered rate
// achieved over the time from the first scheduled send to the last
// response (the server kept up, with no backlog to speak of at the end).
func sustainedMet(rate, n, ok int, elapsed time.Duration) bool {
	return rate >= bookRateTarget && n > 0 && ok == n && rateOf(ok, elapsed) >= 0.99*float64(rate)
}

// bookSummary is the run on one line.
func bookSummary(achieved float64, rate int, d time.Duration, pgVersion string, ok, errs int, p99 time.Duration, rows, outbox int64) string {
	eq := "="
	if rows != int64(ok) {
		eq = "!="
	}
	oeq, twice := "=", "2 × bookings"
	if outbox != 2*rows {
		oeq = "!="
	}
	return fmt.Sprintf("bookings: %.1f/s achieved (%d/s offered) for %s against Postgres %s, %d × 201, %d errors, p99 %s ms; rows %d %s responses %d; outbox %d %s %s",
		achieved, rate, d, pgVersion, ok, errs, fmtMS(p99), rows, eq, ok, outbox, oeq, twice)
}

// bookCPU is a cpuSample plus the postgres processes' ticks.
type bookCPU struct {
	base cpuSample
	pg   uint64
	pgOK bool
	at   time.Time
}

func sampleBookCPU() bookCPU {
	pg, ok := commTicks("postgres")
	return bookCPU{base: sampleCPU(), pg: pg, pgOK: ok, at: time.Now()}
}

// bookCPUUse is how the CPUs were used between two samples, in CPUs.
type bookCPUUse struct {
	cpuUse
	pg   float64
	pgOK bool
	wall time.Duration
}

func (a bookCPU) until(b bookCPU) bookCPUUse {
	u := bookCPUUse{cpuUse: a.base.until(b.base), wall: b.at.Sub(a.at)}
	if u.ok && a.pgOK && b.pgOK && b.pg >= a.pg {
		u.pg, u.pgOK = float64(b.pg-a.pg)/float64(b.base.total-a.base.total)*float64(u.cpus), true
		u.others = max(u.others-u.pg, 0)
	}
	return u
}

// suffix is "; CPU: this process (server and generator) 0.80 of 2,
// postgres 0.90, other processes 0.10, steal 0%", or "" when unknown.
func (u bookCPUUse) suffix() string {
	if !u.ok {
		return ""
	}
	if !u.pgOK {
		return u.cpuUse.suffix("this process (server and generator)")
	}
	return fmt.Sprintf("; CPU: this process (server and generator) %.2f of %d, postgres %.2f, other processes %.2f, steal %.0f%%", u.self, u.cpus, u.pg, u.others, 100*u.stealFrac)
}

// perBooking is the CPU time per booking of this process and of
// Postgres, "" when unknown: "CPU per booking: this process 0.81 ms,
// postgres 1.20 ms".
func (u bookCPUUse) perBooking(n int) string {
	if !u.ok || n <= 0 {
		return ""
	}
	per := func(cpus float64) string {
		return fmtMS(time.Duration(cpus * float64(u.wall) / float64(n)))
	}
	s := "CPU per booking: this process (server and generator) " + per(u.self) + " ms"
	if u.pgOK {
		s += ", postgres " + per(u.pg) + " ms"
	}
	return s
}

// commTicks sums the user and system ticks of the running processes
// named comm (from /proc/PID/stat). Processes that ended between two
// samples are missed; the store's connections live through the run.
func commTicks(comm string) (uint64, bool) {
	paths, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil || len(paths) == 0 {
		return 0, false
	}
	var sum uint64
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // ended
		}
		name, ticks, err := parseProcStat(string(b))
		if err == nil && name == comm {
			sum += ticks
		}
	}
	return sum, true
}

// parseProcStat reads a /proc/PID/stat line's command name and its
// utime, stime, cutime and cstime (fields 14 to 17) summed, in ticks: the
// postmaster's cutime and cstime hold the backends that have ended.
func parseProcStat(s string) (comm string, ticks uint64, err error) {
	i, j := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if i < 0 || j < i {
		return "", 0, errors.New("no command name")
	}
	f := strings.Fields(s[j+1:]) // f[0] is field 3
	if len(f) < 15 {
		return "", 0, errors.New("too few fields")
	}
	for _, k := range []int{11, 12, 13, 14} {
		v, err := strconv.ParseInt(f[k], 10, 64) // cutime and cstime are signed
		if err != nil || v < 0 {
			return "", 0, fmt.Errorf("field %d: %q", k+3, f[k])
		}
		ticks += uint64(v)
	}
	return s[i+1 : j], ticks, nil
}

// pgActivity is what pg_stat_activity showed of the store's connections.
type pgActivity struct {
	counts   map[string]int  // samples by what the connection was doing (activityKey)
	backends map[string]bool // the connections seen: pid and start time
}

// samplePG polls pg_stat_activity for the connections named app every
// interval until the returned function is called, which returns the
// counts.
func samplePG(ctx context.Context, db *sql.DB, app string, every time.Duration) func() pgActivity {
	ctx, cancel := context.WithCancel(ctx)
	act := pgActivity{counts: map[string]int{}, backends: map[string]bool{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			rows, err := db.QueryContext(ctx, `SELECT pid || ' ' || backend_start, coalesce(state, ''),
				coalesce(wait_event_type, ''), coalesce(wait_event, ''), coalesce(query, '')
				FROM pg_stat_activity WHERE application_name = $1`, app)
			if err != nil {
				continue
			}
			for rows.Next() {
				var backend, state, wtype, wevent, query string
				if rows.Scan(&backend, &state, &wtype, &wevent, &query) == nil {
					act.counts[activityKey(state, wtype, wevent, query)]++
					act.backends[backend] = true
				}
			}
			rows.Close()
		}
	}()
	return func() pgActivity {
		cancel()
		<-done
		return act
	}
}

// activityKey names what a connection was doing: its state, what it
// waited for (or "on CPU"), and its statement, by queryLabel. An idle
// connection's last statement is left out: it is waiting for the pool.
func activityKey(state, waitType, waitEvent, query string) string {
	switch state {
	case "idle":
		return "idle (in the pool)"
	case "active":
		wait := "on CPU"
		if waitType != "" {
			wait = waitType + ":" + waitEvent
		}
		return "active " + wait + ": " + queryLabel(query)
	}
	return state + " (the Go side between statements), after " + queryLabel(query)
}

// queryLabel names the store's statements.
func queryLabel(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	switch {
	case strings.Contains(q, "INSERT INTO rate_hits"):
		return "CountHit upsert"
	case strings.Contains(q, "DELETE FROM rate_hits"):
		return "CountHit prune"
	case strings.Contains(q, "FROM bookings WHERE cancelled_at IS NULL AND start_at <"):
		return "ActiveBookings select"
	case strings.Contains(q, "INSERT INTO bookings"):
		return "booking insert"
	case strings.Contains(q, "INSERT INTO outbox"):
		return "outbox insert"
	case strings.EqualFold(q, "begin") || strings.HasPrefix(strings.ToLower(q), "begin "):
		return "BEGIN"
	case strings.EqualFold(q, "commit"):
		return "COMMIT"
	case strings.EqualFold(q, "rollback"):
		return "ROLLBACK"
	case q == "":
		return "(none)"
	}
	if len(q) > 40 {
		q = q[:40] + "..."
	}
	return q
}

// summary is the n commonest activities with their share of the samples.
func (act pgActivity) summary(n int) string {
	a := act.counts
	total := 0
	for _, c := range a {
		total += c
	}
	if total == 0 {
		return "no samples"
	}
	keys := slices.Collect(maps.Keys(a))
	slices.SortFunc(keys, func(x, y string) int {
		if a[x] != a[y] {
			return a[y] - a[x]
		}
		return strings.Compare(x, y)
	})
	var parts []string
	for _, k := range keys[:min(n, len(keys))] {
		parts = append(parts, fmt.Sprintf("%.0f%% %s", 100*float64(a[k])/float64(total), k))
	}
	if len(keys) > n {
		rest := 0
		for _, k := range keys[n:] {
			rest += a[k]
		}
		parts = append(parts, fmt.Sprintf("%.0f%% other", 100*float64(rest)/float64(total)))
	}
	return fmt.Sprintf("%d store connections seen, %d samples: %s", len(act.backends), total, strings.Join(parts, "; "))
}
