package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/cassidine/site/internal/build"
	"github.com/cassidine/site/internal/linkcheck"
)

func runCheck(ctx context.Context, e *env, args []string) error {
	var f siteFlags
	fs := newFlagSet(e, "check", "check [flags]\n\nRuns every validation of a build without writing anything, drafts and\nscheduled pages included (-drafts=false -future=false leave them out): front\nmatter, duplicate URLs, broken internal links and anchors, images, missing\ndescriptions and images without alt text, and every warning of a build;\nwith -external, also requests every external link. A published page that\nlinks to a draft or scheduled page is a problem too: production builds\nleave those out. Exits 1 and lists the problems as file:line.")
	f.register(fs, e, true)
	external := fs.Bool("external", false, "also check that external links answer (HEAD, then GET)")
	workers := fs.Int("workers", 8, "external links checked at once, at most `N`")
	timeout := fs.Duration("timeout", 10*time.Second, "give up on an external link after `D`")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkBaseURL(f.baseURL); err != nil {
		return err
	}
	o := f.options()
	o.Strict = true
	res, err := build.Check(ctx, o)
	if err != nil {
		return fmt.Errorf("%w\ncheck failed", err)
	}
	checked := ""
	if *external {
		links := make([]linkcheck.Link, len(res.External))
		for i, l := range res.External {
			links[i] = linkcheck.Link{URL: l.URL, File: l.File, Line: l.Line}
		}
		client := &http.Client{Timeout: *timeout}
		problems := linkcheck.Check(ctx, client, links, *workers)
		if len(problems) > 0 {
			for _, p := range problems {
				fmt.Fprintln(e.stderr, p)
			}
			return fmt.Errorf("check failed: %d of %d external links do not answer", len(problems), len(links))
		}
		checked = fmt.Sprintf(", %d external links answer", len(links))
	}
	fmt.Fprintf(e.stdout, "checked %d pages%s: no problems\n", res.Pages, checked)
	return nil
}
