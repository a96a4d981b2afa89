// Package linkcheck checks that external links answer, for site check
// -external: each distinct URL once, a bounded number at a time, HEAD first
// and GET where a server refuses HEAD.
package linkcheck

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
)

// Link is one external link and where it is written.
type Link struct {
	URL  string
	File string
	Line int
}

// Problem is a link that did not answer with a success.
type Problem struct {
	Link
	Reason string // "HTTP 404", "dial tcp: ...", ...
}

func (p Problem) String() string {
	return fmt.Sprintf("%s:%d: external link %s: %s", p.File, p.Line, p.URL, p.Reason)
}

// Check requests every distinct URL of links with at most workers requests
// in flight and returns a problem for each link whose URL failed, in the
// order of links. client's Timeout bounds each request.
func Check(ctx context.Context, client *http.Client, links []Link, workers int) []Problem {
	urls := map[string]bool{}
	var distinct []string
	for _, l := range links {
		if !urls[l.URL] {
			urls[l.URL] = true
			distinct = append(distinct, l.URL)
		}
	}
	reasons := map[string]string{}
	var mu sync.Mutex
	sem := make(chan struct{}, max(1, workers))
	var wg sync.WaitGroup
	for _, u := range distinct {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if r := probe(ctx, client, u); r != "" {
				mu.Lock()
				reasons[u] = r
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	var out []Problem
	for _, l := range links {
		if r, bad := reasons[l.URL]; bad {
			out = append(out, Problem{Link: l, Reason: r})
		}
	}
	return slices.Clip(out)
}

// probe returns why u failed, or "".
func probe(ctx context.Context, client *http.Client, u string) string {
	code, err := request(ctx, client, http.MethodHead, u)
	if err == nil && (code == http.StatusMethodNotAllowed || code == http.StatusForbidden || code == http.StatusNotImplemented) {
		code, err = request(ctx, client, http.MethodGet, u) // some servers refuse HEAD
	}
	switch {
	case err != nil:
		return err.Error()
	case code >= 400:
		return fmt.Sprintf("HTTP %d %s", code, http.StatusText(code))
	}
	return ""
}

func request(ctx context.Context, client *http.Client, method, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("User-Agent", "site-check/1 (link checker)")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}
