package store

import (
	"context"
	"time"

	"github.com/cassidine/site/internal/calendar"
)

// CalendarFeed is the cached copy of one of the consultant's calendar
// feeds (CALENDAR_URLS): the busy time it gave when it last worked, and how
// its last attempt went. A feed's address is its password, so the store
// never holds it: the row is found by Key, a hash of it, and shows Label.
type CalendarFeed struct {
	Key   string // a hash of the address (package calsync's Key)
	Label string // the address as calendar.Redact writes it, "https://calendar.google.com/…"
	// Busy is the busy time of the last good copy, over the window it
	// was read for, in UTC; nil when it never worked.
	Busy []calendar.Interval
	// Skipped names the events of the last good copy that could not be
	// read (calendar.Feed.Err), or "".
	Skipped   string
	FetchedAt *time.Time // the last attempt, good or not; nil when never tried
	GoodAt    *time.Time // the last attempt that worked; nil when none did
	Error     string     // the last attempt's error, redacted; "" when it worked
	// AlertedAt is when the consultant was told the feed is down; nil
	// since it last worked.
	AlertedAt *time.Time
	// LeaseUntil is when the refresh under way, if any, gives up its
	// claim (ClaimCalendarFeed).
	LeaseUntil *time.Time
}

// CalendarFetch is the outcome of one attempt at a feed, for
// SaveCalendarFeed.
type CalendarFetch struct {
	At      time.Time           // when it was made
	Err     string              // why it failed (redacted); "" when it worked
	Busy    []calendar.Interval // when it worked: the busy time it gave
	Skipped string              // when it worked: the events left out, or ""
}

// CalendarStore caches the consultant's calendar feeds, for a function
// that has no memory between invocations. Many instances may refresh the
// same feed: a claim (a lease) lets one at a time fetch it.
type CalendarStore interface {
	// CalendarFeeds returns the cached feeds with the given keys, in that
	// order, leaving out keys with no row (never claimed).
	CalendarFeeds(ctx context.Context, keys []string) ([]CalendarFeed, error)

	// ClaimCalendarFeed claims the refresh of the feed key, adding its
	// row (with label) if missing, and returns a token for
	// SaveCalendarFeed; or "" when the feed needs no refresh (last tried
	// after now-every) or another refresh holds it (until its lease runs
	// out). The claim holds until now+lease. every 0 claims a feed
	// whenever no one else holds it. key is 1 to 128 characters, label at
	// most 300, lease positive (else EINVALID).
	ClaimCalendarFeed(ctx context.Context, key, label string, now time.Time, every, lease time.Duration) (token string, err error)

	// SaveCalendarFeed records the outcome of the attempt a claim's token
	// allowed, and releases the claim: FetchedAt becomes r.At; if it
	// worked, Busy, Skipped and GoodAt too, Error "" and AlertedAt nil;
	// if not, Error is r.Err and the last good copy stays. ECONFLICT if
	// the claim was lost (its lease ran out and another refresh claimed
	// the feed): nothing is saved, the other's outcome will be.
	//
	// When the attempt failed and the consultant has not been alerted
	// since the feed last worked, alert is called inside the transaction
	// with the feed as saved; messages it returns are queued and
	// AlertedAt set to r.At, so the consultant hears of a failure once,
	// however many instances see it. alert must not call the store; it
	// may be nil.
	SaveCalendarFeed(ctx context.Context, key, token string, r CalendarFetch, alert func(CalendarFeed) ([]OutboxMessage, error)) (*CalendarFeed, error)
}
