// Command coldstart times the api function's cold start under the real
// Lambda runtime API: it builds the site and the function exactly as
// netlify.toml does, then starts the function under the AWS Lambda Runtime
// Interface Emulator -n times, each time measuring from the invocation that
// starts the function process to its first response, and prints the
// median, the 90th percentile and the binary's size.
//
//	go run ./cmd/coldstart -n 20
//
// The function needs Postgres (as on Netlify): -db, else DATABASE_URL,
// else TEST_DATABASE_URL. It runs in a fresh schema that is dropped at the
// end; one untimed start first applies the migrations, as the first deploy
// would. aws-lambda-rie must be installed (see .ci/run).
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/cassidine/site/internal/lambdahttp/lambdatest"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/stats"
)

// target is the median cold start to stay under.
const target = 50 * time.Millisecond

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "coldstart:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("coldstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 20, "time `N` cold starts")
	db := fs.String("db", "", "Postgres `URL` for the function (default $DATABASE_URL, else $TEST_DATABASE_URL); a fresh schema in it is used and dropped")
	which := fs.String("event", "slots", "the first invocation: slots (GET /api/slots) or quiz (POST /api/quiz, a scored and stored quiz)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 {
		return fmt.Errorf("-n %d: want at least 1", *n)
	}
	dbURL := firstNonEmpty(*db, getenv("DATABASE_URL"), getenv("TEST_DATABASE_URL"))
	if dbURL == "" {
		return errors.New("no Postgres: pass -db URL or set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	rie, err := lambdatest.FindEmulator()
	if err != nil {
		return err
	}
	root, err := lambdatest.RepoRoot()
	if err != nil {
		return err
	}
	ev, err := event(root, *which)
	if err != nil {
		return err
	}

	shown := fmt.Sprintf("go run ./cmd/coldstart -n %d -event %s", *n, *which)
	if *db != "" {
		shown += " -db " + redact(*db)
	}
	fmt.Fprintf(stdout, "$ %s\n", shown)
	tmp, err := os.MkdirTemp("", "coldstart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "api")
	command, err := lambdatest.BuildFunction(ctx, root, "api", bin)
	if err != nil {
		return err
	}
	fi, err := os.Stat(bin)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "built as Netlify builds it:\n  %s\nbinary: %d bytes (%.1f MB)\n", command, fi.Size(), float64(fi.Size())/1e6)

	schemaURL, drop, err := freshSchema(ctx, dbURL)
	if err != nil {
		return err
	}
	defer drop()
	env := lambdatest.MinimalEnv(
		"AWS_LAMBDA_FUNCTION_NAME=api",
		"DATABASE_URL="+schemaURL,
		"SITE_SECRET="+strings.Repeat("c0ldst4rt", 4),
		"URL=https://cassidine.example",
	)
	start := func() (total, init time.Duration, err error) {
		emu, err := lambdatest.Start(ctx, rie, bin, tmp, env)
		if err != nil {
			return 0, 0, err
		}
		defer emu.Stop()
		t0 := time.Now()
		res, _, err := emu.Invoke(ctx, ev)
		total = time.Since(t0)
		if err != nil {
			return 0, 0, err
		}
		if res.StatusCode >= 500 {
			return 0, 0, fmt.Errorf("the function answered %d: %s\n%s", res.StatusCode, res.Body, emu.Log())
		}
		init, _ = emu.InitDuration()
		return total, init, nil
	}

	first, _, err := start()
	if err != nil {
		return fmt.Errorf("first start (migrations): %w", err)
	}
	fmt.Fprintf(stdout, "first start, applying the migrations (not counted): %s\n", ms(first))
	fmt.Fprintf(stdout, "%d cold starts, each: start the emulator, invoke %s %s, time until its response:\n", *n, ev.HTTPMethod, ev.Path)
	var totals, inits []time.Duration
	for i := range *n {
		total, init, err := start()
		if err != nil {
			return fmt.Errorf("cold start %d: %w", i+1, err)
		}
		totals = append(totals, total)
		inits = append(inits, init)
		fmt.Fprintf(stdout, " %s", ms(total))
	}
	fmt.Fprintln(stdout)
	med, p90 := stats.Percentile(totals, 50), stats.Percentile(totals, 90)
	fmt.Fprintf(stdout, "process start to first response: median %s, p90 %s, min %s, max %s\n",
		ms(med), ms(p90), ms(slices.Min(totals)), ms(slices.Max(totals)))
	fmt.Fprintf(stdout, "of which the init phase (the emulator's INIT REPORT): median %s, p90 %s\n", ms(stats.Percentile(inits, 50)), ms(stats.Percentile(inits, 90)))
	verdict := "within"
	if med >= target {
		verdict = "OVER"
	}
	fmt.Fprintf(stdout, "target: median under %s: %s (%s)\n", ms(target), verdict, ms(med))
	fmt.Fprintf(stdout, "binary: %d bytes (%.1f MB)\n", fi.Size(), float64(fi.Size())/1e6)
	return nil
}

// event is the first invocation's event, as Netlify sends it.
func event(root, which string) (events.APIGatewayProxyRequest, error) {
	h := map[string]string{
		"host": "cassidine.example", "x-forwarded-proto": "https",
		"x-nf-client-connection-ip": "203.0.113.9", "x-forwarded-for": "203.0.113.9",
	}
	ev := events.APIGatewayProxyRequest{Headers: h}
	switch which {
	case "slots":
		ev.HTTPMethod, ev.Path = "GET", "/api/slots"
		h["accept"] = "application/json"
	case "quiz":
		// Every statement answered: scored, stored, 303 to the result.
		src, err := os.ReadFile(filepath.Join(root, "content", quiz.File))
		if err != nil {
			return ev, err
		}
		q, err := quiz.Parse(quiz.File, src)
		if err != nil {
			return ev, err
		}
		form := url.Values{"v": {quiz.Version(src)}, "website": {""}}
		for i := range q.Questions {
			form.Set(quiz.FieldName(i), strconv.Itoa(i%quiz.ScaleSize))
		}
		ev.HTTPMethod, ev.Path, ev.Body = "POST", "/api/quiz", form.Encode()
		h["accept"] = "text/html"
		h["content-type"] = "application/x-www-form-urlencoded"
	default:
		return ev, fmt.Errorf("-event %q: want slots or quiz", which)
	}
	mv := map[string][]string{}
	for k, v := range h {
		mv[k] = []string{v}
	}
	ev.MultiValueHeaders = mv
	return ev, nil
}

// freshSchema makes a new schema in the database at base and returns
// base pointed at it (search_path), and a function that drops it.
func freshSchema(ctx context.Context, base string) (string, func(), error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("database URL: want postgres://...")
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "coldstart_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create schema %s: %w", schema, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	drop := func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}
	return u.String(), drop, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// redact hides a URL's password, for printing.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(a database URL)"
	}
	return u.Redacted()
}

// firstNonEmpty returns the first non-empty string.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
