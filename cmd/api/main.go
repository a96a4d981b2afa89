// Command api is the site's serverless function for Netlify: the readiness
// quiz and consultation booking (package api) behind /api/*, run under the
// AWS Lambda runtime through package lambdahttp. It embeds the site files
// it needs (package bundle), so build the site before building it.
package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/bundle"
	"github.com/cassidine/site/internal/lambdahttp"
)

func main() {
	if err := run(context.Background(), os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv func(string) string) error {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	src, err := sources()
	if err != nil {
		return err
	}
	h, closeStore, err := api.Setup(ctx, getenv, src, log)
	if err != nil {
		return err
	}
	defer closeStore()
	lambda.StartWithOptions(lambdahttp.Handler(h), lambda.WithContext(ctx))
	return nil
}

// sources are the embedded site files.
func sources() (api.Sources, error) {
	fsys, err := bundle.FS()
	if err != nil {
		return api.Sources{}, err
	}
	titles, err := bundle.Titles(fsys)
	if err != nil {
		return api.Sources{}, err
	}
	sub := func(dir string) fs.FS {
		s, _ := fs.Sub(fsys, dir)
		return s
	}
	return api.Sources{Content: sub("content"), Layouts: sub("layouts"), Static: sub("static"), Titles: titles}, nil
}
