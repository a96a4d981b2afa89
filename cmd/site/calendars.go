package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/calsync"
	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/store"
)

// runLeadsCalendars is site leads calendars: the state of the consultant's
// calendar feeds in the store's cache, refreshed first with -refresh.
func runLeadsCalendars(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet(e, "leads calendars", "leads calendars [flags]\n\nShows each of the consultant's calendar feeds (CALENDAR_URLS, named without\nthe secret part of their address) as the site's function has them: when it\nwas last fetched, when it last worked, how many busy blocks it gives from now\nto the booking horizon, and the last error. With -refresh, fetches every\nfeed first, as the function does (without alerting the consultant, who is\nreading this). The exit status is 1 if a feed failed or is down.")
	dir := fset.String("content", "content", "read site.toml from `DIR` (falls back to content/ as in site build)")
	refresh := fset.Bool("refresh", false, "fetch every feed now, whatever the age of its copy, and keep what it gives")
	if err := parse(fset, args); err != nil {
		return err
	}
	urls := calsync.ParseURLs(e.getenv("CALENDAR_URLS"))
	if len(urls) == 0 {
		fmt.Fprintln(e.stdout, "No calendar feeds: CALENDAR_URLS is not set, so only bookings take times.\nSet it to the private iCalendar addresses of your calendars, separated by spaces\n(README: \"Connect your calendar\").")
		return nil
	}
	rules, err := loadBookingRules(*dir)
	if err != nil {
		return err
	}
	st, where, err := openLeadsStore(ctx, e.getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	feeds := &calsync.Feeds{URLs: urls, Store: st, Zone: rules.Location, Days: rules.HorizonDays}
	var refreshErr error
	if *refresh {
		refreshErr = feeds.Refresh(ctx, time.Now(), 0, calsync.JobTimeout)
		if refreshErr != nil && ctx.Err() != nil {
			return fmt.Errorf("leads calendars -refresh: %w", refreshErr)
		}
	}
	now := time.Now()
	statuses, err := feeds.Statuses(ctx, now)
	if err != nil {
		return fmt.Errorf("leads calendars: read the feeds from %s: %w", where, err)
	}
	if err := writeCalendarsReport(e.stdout, rules, where, now, statuses); err != nil {
		return err
	}
	failed := 0
	for _, s := range statuses {
		if s.Down || s.Feed != nil && s.Feed.Error != "" {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("leads calendars: %d of %d %s failing or down (listed above)", failed, len(statuses), plural(len(statuses), "feed", "feeds"))
	}
	return nil
}

// writeCalendarsReport writes the table of feeds.
func writeCalendarsReport(w io.Writer, rules *booking.Rules, where string, now time.Time, statuses []calsync.Status) error {
	loc := rules.Location
	when := func(t *time.Time) string {
		if t == nil {
			return "never"
		}
		return t.In(loc).Format("2006-01-02 15:04") + " (" + roughly(now.Sub(*t)) + " ago)"
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Calendar feeds (CALENDAR_URLS; times in %s)\nstore: %s\n\n", loc, where)
	fmt.Fprintln(tw, "  #\tfeed\tfetched\tlast worked\tbusy blocks\tstate")
	var notes []string
	for i, s := range statuses {
		fetched, good, blocks, state := "never", "never", "-", "not fetched yet"
		if c := s.Feed; c != nil {
			fetched, good = when(c.FetchedAt), when(c.GoodAt)
			if c.GoodAt != nil {
				blocks = fmt.Sprint(s.Blocks)
			}
			switch {
			case s.Down && c.FetchedAt == nil:
				state = "down: not fetched yet"
			case s.Down:
				state = "down: no times offered"
			case c.Error != "":
				state = "failing: its last good copy serves"
			default:
				state = "ok"
			}
			if c.Error != "" {
				notes = append(notes, fmt.Sprintf("  %d: last error: %s", i+1, printable(c.Error)))
			}
			if c.Skipped != "" {
				notes = append(notes, fmt.Sprintf("  %d: events left out: %s", i+1, printable(c.Skipped)))
			}
			if c.AlertedAt != nil {
				notes = append(notes, fmt.Sprintf("  %d: you were alerted by email on %s", i+1, c.AlertedAt.In(loc).Format("2006-01-02 15:04")))
			}
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%s\n", i+1, s.Label, fetched, good, blocks, state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(notes) > 0 {
		fmt.Fprintf(w, "\n%s\n", strings.Join(notes, "\n"))
	}
	fmt.Fprintf(w, "\nBusy blocks are counted from now to the booking horizon (%d days). A feed is fetched\n"+
		"again when its copy is %s old; a failing feed's last good copy serves for %s, after\n"+
		"which the booking page offers no times and asks visitors to email.\n",
		rules.HorizonDays, roughly(calsync.RefreshAfter), roughly(calsync.MaxAge))
	return nil
}

// loadBookingRules reads the booking rules of site.toml from the folder
// site build takes it from.
func loadBookingRules(dir string) (*booking.Rules, error) {
	s, err := loadSiteSettings(dir)
	if err != nil {
		return nil, err
	}
	rules, err := booking.FromSite(s)
	if err != nil {
		return nil, err
	}
	if rules == nil {
		return nil, fmt.Errorf("leads: %s has no [booking] table: the site takes no bookings", s.File)
	}
	return rules, nil
}

// runLeadsCalendar is site leads calendar: the address of the feed of
// bookings, to subscribe to.
func runLeadsCalendar(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet(e, "leads calendar", "leads calendar [flags]\n\nPrints the private address of the feed of your bookings, to subscribe to in\nyour calendar. It is signed with SITE_SECRET: for the live site, run it with\nthe SITE_SECRET set in Netlify; without it, the local secret of site serve\n(DATA_DIR/site-secret) signs it. The site's address is -baseurl, else URL,\nelse site.toml's baseURL.")
	dir := fset.String("content", "content", "read site.toml from `DIR` (falls back to content/ as in site build)")
	base := fset.String("baseurl", "", "the site's address, such as https://example.com (default: URL, else site.toml's baseURL)")
	if err := parse(fset, args); err != nil {
		return err
	}
	baseURL := cmp.Or(*base, e.getenv("URL"))
	if baseURL == "" {
		s, err := loadSiteSettings(*dir)
		if err != nil {
			return err
		}
		baseURL = s.BaseURL
	}
	if err := checkBaseURL(baseURL); err != nil {
		return err
	}
	from := "SITE_SECRET"
	if e.getenv("SITE_SECRET") == "" {
		from = filepath.ToSlash(filepath.Join(store.DataDir(e.getenv), "site-secret")) + ", the local secret: this address works with site serve only"
	}
	secret, err := api.Secret(e.getenv, true)
	if err != nil {
		return fmt.Errorf("leads calendar: %w", err)
	}
	fmt.Fprintf(e.stdout, "%s%s\n\n", strings.TrimSuffix(baseURL, "/"), api.BookingsFeedPath(secret))
	fmt.Fprintf(e.stdout, "secret: %s\n\n", from)
	fmt.Fprint(e.stdout, `Subscribe to it in your calendar, and keep it to yourself: whoever has it
can read every booking, with the prospects' names and messages.
  Google Calendar (web): Other calendars, +, From URL; paste it; Add calendar.
  Outlook: Add calendar, Subscribe from web; paste it; Import.
  Apple Calendar: File, New Calendar Subscription; paste it.
It lists the bookings from 30 days back on; cancelled ones show as cancelled.
Calendars fetch it on their own schedule (Google Calendar only every several
hours, sometimes a day), so a new booking can take that long to appear there;
the email about each booking arrives at once. A new SITE_SECRET changes the
address.
`)
	return nil
}

// loadSiteSettings reads site.toml from the folder site build takes it
// from: -content's if it has one, else content/.
func loadSiteSettings(dir string) (*content.Site, error) {
	settings := (&siteFlags{content: dir}).settingsDir()
	file := filepath.Join(settings, content.SiteFile)
	src, err := os.ReadFile(file)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("leads: %s does not exist: run site from the site's folder, or give -content DIR", filepath.ToSlash(file))
		}
		return nil, fmt.Errorf("leads: %w", err)
	}
	return content.ParseSite(filepath.ToSlash(file), src)
}
