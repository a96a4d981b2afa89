// Command site builds, previews and checks the practice's website.
//
//	site build   write the site to public/
//	site serve   preview with live reload
//	site new     start an article
//	site check   validate content and links
//	site help    list every command
//
// Run "site help" or "site <command> -h" for details.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var u usageError
		switch {
		case errors.Is(err, flag.ErrHelp):
			os.Exit(0)
		case errors.As(err, &u):
			fmt.Fprintln(os.Stderr, "site:", err)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
