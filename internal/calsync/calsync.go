// Package calsync keeps the consultant's calendar feeds (CALENDAR_URLS)
// cached in the store, so that booking never offers a time the consultant
// is busy without fetching every feed on every request: the function has
// no memory between invocations, and many instances of it may run at once.
//
//	feeds := &calsync.Feeds{URLs: calsync.ParseURLs(getenv("CALENDAR_URLS")), Store: st, Zone: rules.Location, Days: rules.HorizonDays}
//	feeds.Refresh(ctx, now, calsync.RefreshAfter, calsync.RequestTimeout) // fetch those due
//	busy, down, err := feeds.Busy(ctx, now)                              // from the cache
//
// # Refreshing
//
// A feed is fetched (calendar.Fetch, at most calendar.MaxFeedBytes) when its
// copy is older than RefreshAfter: by the requests that list or book times,
// each allowing it RequestTimeout (less when the request has less time
// left), so that a slow feed never holds a visitor; and by the hourly
// scheduled job, allowing JobTimeout. Before fetching, a refresh claims the
// feed in the store (a lease), so that a burst of requests, on any number of
// instances, fetches a feed once per RefreshAfter. Each attempt, good or
// not, is recorded; a failed one keeps the last good copy.
//
// A feed is read (calendar.Parse) in the consultant's zone over the window
// from a day before the attempt to Days+3 days after it: the horizon, plus
// the day a copy may be used after it was made, with room to spare. Events
// Parse leaves out are logged and kept with the copy (Skipped).
//
// # When a feed fails
//
// Its last good copy is used for MaxAge. With no copy that recent, or none
// at all, Busy reports the feed down, and the booking pages offer no time
// (a booking's transaction refuses one too: store.Guard.Calendars). The
// first failed attempt that finds the feed down calls Alert, whose email
// is queued in the same transaction that records the attempt, so the
// consultant hears of it once, whatever the number of instances; again
// only after the feed has worked and failed anew.
//
// # Secrets
//
// A feed's address is its password. The store keys a feed by Key, a hash of
// its address, and shows it as calendar.Redact writes it; errors and logs
// name feeds the same way.
package calsync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cassidine/site/internal/calendar"
	"github.com/cassidine/site/internal/store"
)

const (
	// RefreshAfter is how old a copy may be before the next request or
	// job fetches the feed again.
	RefreshAfter = 5 * time.Minute
	// MaxAge is how long the last good copy of a failing feed is used.
	MaxAge = 24 * time.Hour
	// RequestTimeout is the most a request waits for a feed.
	RequestTimeout = 3 * time.Second
	// JobTimeout is the most the hourly job, or site leads calendars
	// -refresh, waits for a feed.
	JobTimeout = 30 * time.Second
	// MaxBlocks is the most busy blocks a feed may give over its window:
	// more than a hundred a day is not a person's calendar, and each
	// request reads them all.
	MaxBlocks = 5000
)

// Times around a fetch: the claim outlives the fetch by leaseMargin
// (reading the feed, and saving the outcome, which saveTimeout bounds).
const (
	leaseMargin = 10 * time.Second
	saveTimeout = 2 * time.Second
)

// Key is the store's key for the feed at rawURL: the hex SHA-256 of the
// address, which stands for it without giving it away.
func Key(rawURL string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(rawURL)))
	return hex.EncodeToString(sum[:])
}

// ParseURLs reads CALENDAR_URLS: addresses separated by spaces or line
// breaks, each listed once.
func ParseURLs(s string) []string {
	var out []string
	for _, u := range strings.Fields(s) {
		if !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

// Feeds are the consultant's calendar feeds and what refreshing them
// needs.
type Feeds struct {
	URLs   []string            // the feeds' addresses, secrets all
	Store  store.CalendarStore // where copies are kept
	Client *http.Client        // fetches the feeds; nil: http.DefaultClient
	Zone   *time.Location      // the consultant's: floating times and all-day events are in it
	Days   int                 // how many days ahead can be booked (booking.Rules.HorizonDays)
	Log    *slog.Logger        // nil: no log
	// Alert composes the consultant's email about a feed that is down
	// (see the package doc); it runs inside the store's transaction, so
	// it must not call the store. nil: no alert.
	Alert func(store.CalendarFeed) ([]store.OutboxMessage, error)
}

// Keys are the store keys of f.URLs, in order.
func (f *Feeds) Keys() []string {
	keys := make([]string, len(f.URLs))
	for i, u := range f.URLs {
		keys[i] = Key(u)
	}
	return keys
}

// Usable reports whether a feed's copy may be used at now: it worked
// within MaxAge.
func Usable(c store.CalendarFeed, now time.Time) bool {
	return c.GoodAt != nil && !c.GoodAt.Before(Since(now))
}

// Since is the oldest good copy that may be used at now
// (store.Guard.CalendarsSince).
func Since(now time.Time) time.Time { return now.Add(-MaxAge) }

// Refresh fetches the feeds whose copy is older than every (all of them
// when every is 0) and that no other refresh holds, at once, each within
// timeout, and records the outcomes. It returns the feeds' errors joined
// (each is logged too), or the store's. When ctx ends first it returns
// ctx's error; the fetches still under way end within timeout and record
// what they found.
func (f *Feeds) Refresh(ctx context.Context, now time.Time, every, timeout time.Duration) error {
	if len(f.URLs) == 0 {
		return nil
	}
	cached, err := f.Store.CalendarFeeds(ctx, f.Keys())
	if err != nil {
		return err
	}
	byKey := map[string]store.CalendarFeed{}
	for _, c := range cached {
		byKey[c.Key] = c
	}
	// Reading first, a request whose feeds are fresh writes nothing; the
	// claim decides for those that look due.
	var due []string
	for _, u := range f.URLs {
		c, ok := byKey[Key(u)]
		switch {
		case !ok:
			due = append(due, u)
		case c.LeaseUntil != nil && c.LeaseUntil.After(now):
			// another refresh is on it
		case c.FetchedAt == nil || !c.FetchedAt.After(now.Add(-every)):
			due = append(due, u)
		}
	}
	if len(due) == 0 {
		return nil
	}
	errs := make([]error, len(due))
	var wg sync.WaitGroup
	for i, u := range due {
		wg.Go(func() { errs[i] = f.refresh(ctx, u, now, every, timeout) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return errors.Join(errs...)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// refresh claims, fetches and reads one feed, and records the outcome.
func (f *Feeds) refresh(ctx context.Context, rawURL string, now time.Time, every, timeout time.Duration) error {
	key, label := Key(rawURL), calendar.Redact(rawURL)
	tok, err := f.Store.ClaimCalendarFeed(ctx, key, label, now, every, timeout+leaseMargin)
	if err != nil || tok == "" {
		return err
	}
	r := store.CalendarFetch{At: now}
	fctx, cancel := context.WithTimeout(ctx, timeout)
	feed, err := f.read(fctx, rawURL, now)
	cancel()
	if err != nil {
		err = &feedError{msg: scrub(err.Error(), rawURL, label), err: err}
		r.Err = err.Error()
		f.log().Error("calendar feed", "feed", label, "err", r.Err)
	} else {
		r.Busy = feed.Busy
		if e := feed.Err(); e != nil {
			r.Skipped = scrub(e.Error(), rawURL, label)
			f.log().Warn("calendar feed: events left out", "feed", label, "skipped", len(feed.Skipped), "err", r.Skipped)
		}
	}
	// Recorded even when ctx has ended (a request out of time): the claim
	// goes, and the next attempt knows how this one went.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer cancel()
	switch _, serr := f.Store.SaveCalendarFeed(sctx, key, tok, r, f.alert(now)); {
	case store.ErrorCode(serr) == store.ECONFLICT:
		// This attempt outlived its claim and another took over: that
		// one's outcome is recorded instead.
		f.log().Warn("calendar feed: a later refresh took over", "feed", label)
	case serr != nil:
		f.log().Error("calendar feed: record the attempt", "feed", label, "err", serr)
		return errors.Join(err, fmt.Errorf("calendar feed %s: record the attempt: %w", label, serr))
	}
	return err
}

// feedError is a feed's error with its message scrubbed (scrub), keeping
// the cause for errors.Is.
type feedError struct {
	msg string
	err error
}

func (e *feedError) Error() string { return e.msg }
func (e *feedError) Unwrap() error { return e.err }

// read fetches and parses a feed, over the window the package doc
// describes.
func (f *Feeds) read(ctx context.Context, rawURL string, now time.Time) (calendar.Feed, error) {
	data, err := calendar.Fetch(ctx, f.Client, rawURL, calendar.MaxFeedBytes)
	if err != nil {
		return calendar.Feed{}, err
	}
	feed, err := calendar.Parse(data, f.Zone, now.Add(-24*time.Hour), now.AddDate(0, 0, f.Days+3))
	if err != nil {
		return calendar.Feed{}, fmt.Errorf("calendar: %s: %w", calendar.Redact(rawURL), err)
	}
	if len(feed.Busy) > MaxBlocks {
		return calendar.Feed{}, fmt.Errorf("calendar: %s: %d busy blocks over the next %d days, more than %d: %w",
			calendar.Redact(rawURL), len(feed.Busy), f.Days+3, MaxBlocks, calendar.ErrTooLarge)
	}
	return feed, nil
}

// alert is f.Alert for a failed attempt at now, called only when the feed
// is down.
func (f *Feeds) alert(now time.Time) func(store.CalendarFeed) ([]store.OutboxMessage, error) {
	if f.Alert == nil {
		return nil
	}
	return func(c store.CalendarFeed) ([]store.OutboxMessage, error) {
		if Usable(c, now) {
			return nil, nil // the last good copy still serves
		}
		return f.Alert(c)
	}
}

// Busy returns the busy time of every feed from the cache, merged, and
// the feeds that are down at now (no copy within MaxAge), as Redact names
// them. While one is down, no time should be offered.
func (f *Feeds) Busy(ctx context.Context, now time.Time) (busy []calendar.Interval, down []string, err error) {
	if len(f.URLs) == 0 {
		return nil, nil, nil
	}
	cached, err := f.Store.CalendarFeeds(ctx, f.Keys())
	if err != nil {
		return nil, nil, err
	}
	byKey := map[string]store.CalendarFeed{}
	for _, c := range cached {
		byKey[c.Key] = c
	}
	var all []calendar.Interval
	for _, u := range f.URLs {
		c, ok := byKey[Key(u)]
		if !ok || !Usable(c, now) {
			down = append(down, calendar.Redact(u))
			continue
		}
		all = append(all, c.Busy...)
	}
	return calendar.Merge(all), down, nil
}

// Status is what site leads calendars shows of one feed.
type Status struct {
	Label  string              // the address as calendar.Redact writes it
	Feed   *store.CalendarFeed // the cached copy; nil when never tried
	Blocks int                 // busy blocks of the copy from now to the horizon
	Down   bool                // no copy within MaxAge: no time is offered
}

// Statuses returns the state of each feed, in the order of f.URLs.
func (f *Feeds) Statuses(ctx context.Context, now time.Time) ([]Status, error) {
	cached, err := f.Store.CalendarFeeds(ctx, f.Keys())
	if err != nil {
		return nil, err
	}
	byKey := map[string]store.CalendarFeed{}
	for _, c := range cached {
		byKey[c.Key] = c
	}
	end := now.AddDate(0, 0, f.Days)
	out := make([]Status, len(f.URLs))
	for i, u := range f.URLs {
		s := Status{Label: calendar.Redact(u), Down: true}
		if c, ok := byKey[Key(u)]; ok {
			s.Feed, s.Down = &c, !Usable(c, now)
			for _, iv := range c.Busy {
				if iv.Start.Before(end) && iv.End.After(now) {
					s.Blocks++
				}
			}
		}
		out[i] = s
	}
	return out, nil
}

func (f *Feeds) log() *slog.Logger {
	if f.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return f.Log
}

// scrub takes the address out of msg, should a lower layer have put it
// there: calendar's errors name feeds as Redact does already, and this is
// the belt to those braces.
func scrub(msg, rawURL, label string) string {
	if u := strings.TrimSpace(rawURL); u != "" {
		msg = strings.ReplaceAll(msg, u, label)
	}
	return msg
}
