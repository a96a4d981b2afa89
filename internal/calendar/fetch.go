package calendar

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// FetchTimeout is how long Fetch waits for a feed when ctx has no
// deadline of its own.
const FetchTimeout = 30 * time.Second

// Fetch downloads the feed at rawURL, an https:// (or http://) address,
// or a webcal:// one, which is fetched as https://. It fails when the
// server answers other than 2xx, when the body does not start as an
// iCalendar object does (an HTML login or error page), when the body is
// larger than maxBytes (MaxFeedBytes when maxBytes <= 0: never cut short
// silently), or when ctx ends; without a deadline on ctx it allows
// FetchTimeout. client nil means http.DefaultClient.
//
// A feed's address is a secret (whoever has it can read the calendar),
// so Fetch's errors name it only as Redact does, and the error chain
// holds no *url.Error, whose message is the full address.
func Fetch(ctx context.Context, client *http.Client, rawURL string, maxBytes int64) ([]byte, error) {
	safe := Redact(rawURL)
	u, err := feedURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("calendar: %s: %w", safe, err)
	}
	if maxBytes <= 0 {
		maxBytes = MaxFeedBytes
	}
	if client == nil {
		client = http.DefaultClient
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, FetchTimeout)
		defer cancel()
	}
	fail := func(cause error, format string, args ...any) error {
		return scrub(u, rawURL, cause, "calendar: fetch "+safe+": "+fmt.Sprintf(format, args...))
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fail(nil, "not a valid URL")
	}
	req.Header.Set("Accept", "text/calendar, */*;q=0.5")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the address
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fail(err, "no answer in time: %v", err)
		}
		return nil, fail(err, "%v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		hint := ""
		switch resp.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusGone:
			hint = " (the calendar's secret address may have been reset, or the calendar unpublished)"
		}
		return nil, fail(nil, "the server answered %s%s", resp.Status, hint)
	}
	if resp.ContentLength > maxBytes {
		return nil, fail(ErrTooLarge, "the feed is %d bytes, over the %s limit: %v", resp.ContentLength, size(maxBytes), ErrTooLarge)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fail(err, "the feed did not arrive in time: %v", err)
		}
		return nil, fail(err, "reading the feed: %v", err)
	}
	if int64(len(body)) > maxBytes {
		return nil, fail(ErrTooLarge, "the feed is over the %s limit: %v", size(maxBytes), ErrTooLarge)
	}
	if !looksLikeCalendar(body) {
		ct := resp.Header.Get("Content-Type")
		if ct == "" {
			ct = "none"
		}
		return nil, fail(nil, "the answer is not an iCalendar feed (Content-Type %s)", ct)
	}
	return body, nil
}

// feedURL checks rawURL and turns webcal:// into https://.
func feedURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, errors.New("not a valid URL") // err would repeat the address
	}
	switch strings.ToLower(u.Scheme) {
	case "webcal", "webcals":
		u.Scheme = "https"
	case "https", "http":
	default:
		return nil, errors.New("not an https:// or webcal:// address")
	}
	if u.Host == "" {
		return nil, errors.New("the address has no host")
	}
	return u, nil
}

// Redact returns the part of a feed's address that is safe to show and
// log: "https://calendar.google.com/…" for
// https://calendar.google.com/calendar/ical/…/private-…/basic.ics. The
// path and query are the secret; user and password are dropped too.
func Redact(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "(an invalid calendar address)"
	}
	s := strings.ToLower(u.Scheme) + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		s += "/…"
	}
	return s
}

// fetchError is an error of Fetch: its message, scrubbed of the address,
// and the cause for errors.Is.
type fetchError struct {
	msg   string
	cause error
}

func (e *fetchError) Error() string { return e.msg }
func (e *fetchError) Unwrap() error { return e.cause }

// scrub makes the error with message msg, taking out any part of the
// address that a lower layer may have put in it: the belt to Redact's
// braces.
func scrub(u *url.URL, rawURL string, cause error, msg string) error {
	secrets := []string{strings.TrimSpace(rawURL), u.String(), u.EscapedPath(), u.Path, u.RawQuery, u.Fragment}
	for _, s := range secrets {
		if len(s) > 1 {
			msg = strings.ReplaceAll(msg, s, "…")
		}
	}
	return &fetchError{msg: msg, cause: cause}
}
