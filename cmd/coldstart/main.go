// Command coldstart times the api function's cold start under the AWS
// Lambda Runtime Interface Emulator (aws-lambda-rie): it builds the site
// and the function exactly as netlify.toml does, then -n times starts the
// emulator with the function and times from the invocation that starts
// the function process (GET /api/slots, as Netlify sends it) to its
// response. It prints the median, the 90th percentile and the binary's size.
//
//	go run ./cmd/coldstart -n 20
//
// The function needs Postgres, as on Netlify: -db, else TEST_DATABASE_URL,
// else DATABASE_URL, on this machine. It runs in a fresh schema that is
// dropped at the end; one untimed start first applies the migrations, as
// the first deploy would. Install the emulator with
//
//	go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cassidine/site/internal/lambdahttp/lambdatest"
	"github.com/cassidine/site/internal/runenv"
	"github.com/cassidine/site/internal/stats"
)

// target is the median cold start to stay under.
const target = 50 * time.Millisecond

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) (err error) {
	fset := flag.NewFlagSet("coldstart", flag.ContinueOnError)
	fset.SetOutput(stderr)
	n := fset.Int("n", 20, "time `N` cold starts")
	db := fset.String("db", "", "Postgres `URL` (default $TEST_DATABASE_URL, else $DATABASE_URL); a fresh schema in it is used and dropped")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *n < 1 {
		return fmt.Errorf("-n %d: want at least 1", *n)
	}
	rie, err := lambdatest.FindEmulator()
	if err != nil {
		return err
	}
	root, err := lambdatest.RepoRoot()
	if err != nil {
		return err
	}
	schemaURL, _, drop, err := runenv.FreshSchema(ctx, *db, getenv, "coldstart")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, drop()) }()

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
	fmt.Fprintf(stdout, "built as Netlify builds it: %s\n", command)

	env := lambdatest.MinimalEnv(
		"AWS_LAMBDA_FUNCTION_NAME=api",
		"DATABASE_URL="+schemaURL,
		"SITE_SECRET="+strings.Repeat("c0ldst4rt", 4),
		"URL=https://cassidine.example",
	)
	h := map[string]string{"host": "cassidine.example", "x-forwarded-proto": "https", "accept": "application/json",
		"x-nf-client-connection-ip": "203.0.113.9", "x-forwarded-for": "203.0.113.9"}
	ev := events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/api/slots", Headers: h, MultiValueHeaders: map[string][]string{}}
	for k, v := range h {
		ev.MultiValueHeaders[k] = []string{v}
	}
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
		if res.StatusCode != 200 {
			return 0, 0, fmt.Errorf("the function answered %d, want 200: %.300s\n%s", res.StatusCode, res.Body, emu.Log())
		}
		init, _ = emu.InitDuration()
		return total, init, nil
	}

	first, _, err := start()
	if err != nil {
		return fmt.Errorf("first start (migrations): %w", err)
	}
	fmt.Fprintf(stdout, "first start, applying the migrations (not counted): %s\n", ms(first))
	fmt.Fprintf(stdout, "%d cold starts: start the emulator, invoke GET /api/slots, time until its response:\n", *n)
	var totals, inits []time.Duration
	for i := range *n {
		total, init, err := start()
		if err != nil {
			return fmt.Errorf("cold start %d: %w", i+1, err)
		}
		totals, inits = append(totals, total), append(inits, init)
		fmt.Fprintf(stdout, " %s", ms(total))
	}
	med := stats.Percentile(totals, 50)
	fmt.Fprintf(stdout, "\ncold start to first response: median %s, p90 %s, min %s, max %s\n",
		ms(med), ms(stats.Percentile(totals, 90)), ms(slices.Min(totals)), ms(slices.Max(totals)))
	fmt.Fprintf(stdout, "of which the init phase (the emulator's INIT REPORT): median %s, p90 %s\n",
		ms(stats.Percentile(inits, 50)), ms(stats.Percentile(inits, 90)))
	fmt.Fprintf(stdout, "median/target: %.2f (target: median under %s)\n", float64(med)/float64(target), ms(target))
	fmt.Fprintf(stdout, "binary: %d bytes (%.1f MB)\n", fi.Size(), float64(fi.Size())/1e6)
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
