// Command tasks is the site's hourly Netlify scheduled function (see
// netlify.toml): each run queues the reminder emails that have become due
// and sends the email outbox (api.Function.Hourly). It opens the function
// as cmd/api does, with api.Open from the sources embedded in package
// site, so it refuses to start without a database or SITE_SECRET, naming
// the variable to set, before it could send anything.
//
// It is a function of its own rather than a part of cmd/publish: publish
// needs no database and must go on publishing scheduled articles on a
// site that has none, where this one cannot start.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cassidine/site"
	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/theme"
)

func main() {
	if err := run(context.Background(), os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv func(string) string) error {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	fn, err := api.Open(ctx, api.Options{Getenv: getenv, Sources: theme.FromRoot(site.FS), Log: log})
	if err != nil {
		return err
	}
	defer fn.Close()
	lambda.StartWithOptions(handler(fn, log), lambda.WithContext(ctx))
	return nil
}

// hourly is the work of a run: api.Function's, or a test's.
type hourly interface {
	Hourly(ctx context.Context) error
}

// handler is the entry point of each run. Netlify invokes a scheduled
// function with an event whose body holds the next run's time, which the
// work does not need. A run that failed answers 500, which Netlify's log
// of the function shows with the error logged before it; the next run
// tries again.
func handler(h hourly, log *slog.Logger) func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return func(ctx context.Context, _ events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		if err := h.Hourly(ctx); err != nil {
			log.Error("hourly tasks", "err", err)
			return events.APIGatewayProxyResponse{StatusCode: http.StatusInternalServerError}, nil
		}
		return events.APIGatewayProxyResponse{StatusCode: http.StatusOK}, nil
	}
}
