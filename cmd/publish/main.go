// Command publish is a Netlify scheduled function (see netlify.toml) that
// rebuilds the site when an article scheduled for later has become due.
// It reads the live site's /schedule.json and posts to BUILD_HOOK_URL only
// when an article dated after the last build is now due; see package
// internal/publish.
package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cassidine/site/internal/publish"
)

func main() {
	lambda.Start(handler(os.Getenv, &http.Client{Timeout: 10 * time.Second}, time.Now))
}

// handler returns the function's entry point; its dependencies come in as
// arguments so a test can pass its own.
func handler(getenv func(string) string, client *http.Client, now func() time.Time) func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	return func(ctx context.Context, _ events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		msg, err := publish.Run(ctx, client, getenv("URL"), getenv("BUILD_HOOK_URL"), now())
		if err != nil {
			log.Error("scheduled publish", "err", err)
			return events.APIGatewayProxyResponse{StatusCode: http.StatusInternalServerError}, nil
		}
		log.Info("scheduled publish", "result", msg)
		return events.APIGatewayProxyResponse{StatusCode: http.StatusOK}, nil
	}
}
