// Command api is the site's serverless function for Netlify: the readiness
// quiz and consultation booking (package api) behind /api/*, run under the
// AWS Lambda runtime through package lambdahttp. It reads the site's
// settings, quiz and layouts from the sources embedded in package site, so
// `go build ./cmd/api` on a fresh clone gives a working function.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cassidine/site"
	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/lambdahttp"
	"github.com/cassidine/site/internal/theme"
)

func main() {
	if err := run(context.Background(), os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv func(string) string) error {
	fn, err := api.Open(ctx, api.Options{
		Getenv:  getenv,
		Sources: theme.FromRoot(site.FS),
		Log:     slog.New(slog.NewJSONHandler(os.Stderr, nil)),
	})
	if err != nil {
		return err
	}
	defer fn.Close()
	lambda.StartWithOptions(lambdahttp.Handler(fn), lambda.WithContext(ctx))
	return nil
}
