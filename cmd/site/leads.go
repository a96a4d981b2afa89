package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/store"
)

// leadsCommands are the subcommands of site leads, in the order its usage
// lists them. Adding one is one line here and its run function.
func leadsCommands() []command {
	return []command{
		{"quiz", "quiz completions and consents, by band, average gap per area, latest results (-csv: every result)", runLeadsQuiz},
		{"bookings", "upcoming consultations, then past ones (-since, default 30d; -csv: every field)", runLeadsBookings},
		{"send", "send the queued e-mail now (SMTP_URL, or .eml files under DATA_DIR/mail)", runLeadsSend},
		{"calendars", "your calendar feeds (CALENDAR_URLS): last fetched, busy blocks, errors (-refresh: fetch now)", runLeadsCalendars},
		{"calendar", "the private address of the feed of bookings, to subscribe to in your calendar", runLeadsCalendar},
		{"cancel", "cancel a booking as its emails' link does, and send the emails: leads cancel ID", runLeadsCancel},
		{"move", "move a booking as its emails' link does, and send the emails: leads move ID TIME", runLeadsMove},
	}
}

// runLeads dispatches site leads to its subcommand, as run does for site.
func runLeads(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		leadsUsage(e.stderr)
		return usageError{"leads: no subcommand given"}
	}
	switch args[0] {
	case "help", "-h", "--help":
		leadsUsage(e.stdout)
		return nil
	}
	for _, c := range leadsCommands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	leadsUsage(e.stderr)
	return usageError{fmt.Sprintf("leads: unknown subcommand %q", args[0])}
}

func leadsUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: site leads <subcommand> [flags]\n\nReads what the site's function recorded, sends the e-mail it queued, and\ncancels or moves bookings: Postgres when DATABASE_URL or NETLIFY_DB_URL is\nset, otherwise the SQLite file under DATA_DIR (.data).\n\nsubcommands:")
	for _, c := range leadsCommands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"site leads <subcommand> -h\" for its flags.")
}

// recentResults is how many results the quiz report lists one by one;
// -csv gives them all.
const recentResults = 20

func runLeadsQuiz(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet(e, "leads quiz", "leads quiz [flags]\n\nReports the readiness quiz results in the store: completions and consents,\ncompletions per band, the average gap score per area, and the latest\nresults. E-mail addresses appear only where the prospect asked for their\nresult by email; whether they also agreed to be contacted is a column of\nits own: contact only those marked yes. With -csv, writes every result as\nCSV to stdout instead.")
	dir := fset.String("content", "content", "read quiz.toml and site.toml from `DIR` (site.toml falls back to content/ as in site build)")
	var since sinceFlag
	fset.Var(&since, "since", "only results from `WHEN` on: a date such as 2026-11-01 (from midnight in the site's time zone) or a number of days back such as 30d (default all time)")
	asCSV := fset.Bool("csv", false, "write every result as CSV (one column per area) to stdout instead of the report")
	if err := parse(fset, args); err != nil {
		return err
	}
	q, loc, err := loadLeadsContent(*dir)
	if err != nil {
		return err
	}
	from := since.start(time.Now(), loc)

	st, where, err := openLeadsStore(ctx, e.getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	results, err := st.QuizResults(ctx, from)
	if err != nil {
		return fmt.Errorf("leads quiz: read quiz results from %s: %w", where, err)
	}

	if *asCSV {
		if err := writeQuizCSV(e.stdout, q, results); err != nil {
			return fmt.Errorf("leads quiz: write CSV: %w", err)
		}
		// On stderr, so that stdout stays pure CSV for a redirect.
		fmt.Fprintf(e.stderr, "store: %s: %d quiz results %s\n", where, len(results), since.describe(loc))
		return nil
	}
	return writeQuizReport(e.stdout, q, loc, where, since.describe(loc), results)
}

// loadLeadsContent reads the quiz definition, for band and area names and
// their order, and the site's time zone, for dates. Both come from the
// folder site build takes them from: -content's if it has a site.toml,
// else content/. A site without site.toml has its dates in UTC.
func loadLeadsContent(dir string) (*quiz.Quiz, *time.Location, error) {
	settings := (&siteFlags{content: dir}).settingsDir()
	file := filepath.Join(settings, quiz.File)
	src, err := os.ReadFile(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("leads: %s does not exist: run site from the site's folder, or give -content DIR", filepath.ToSlash(file))
		}
		return nil, nil, fmt.Errorf("leads: %w", err)
	}
	q, err := quiz.Parse(filepath.ToSlash(file), src)
	if err != nil {
		return nil, nil, err
	}
	loc := time.UTC
	siteFile := filepath.Join(settings, content.SiteFile)
	if src, err := os.ReadFile(siteFile); err == nil {
		s, err := content.ParseSite(filepath.ToSlash(siteFile), src)
		if err != nil {
			return nil, nil, err
		}
		loc = s.Location
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("leads: %w", err)
	}
	return q, loc, nil
}

// openLeadsStore opens the store as the function does, and describes it
// for the report ("sqlite .data/site.db", "postgres db.example.com/site
// (DATABASE_URL)") without credentials. Unlike the function it will not
// create a SQLite file: a report of nothing from a store that did not
// exist, because site ran in the wrong folder, would mislead.
func openLeadsStore(ctx context.Context, getenv func(string) string) (store.Store, string, error) {
	loc := store.Locate(getenv)
	if err := leadsStoreExists(loc); err != nil {
		return nil, "", err
	}
	st, err := loc.Open(ctx)
	if err != nil {
		// The store's errors name host, user and database but never the
		// password (pgx redacts it), so the cause can be shown in full.
		return nil, "", fmt.Errorf("leads: cannot open the store (%s): %w", loc, err)
	}
	return st, loc.String(), nil
}

// leadsStoreExists refuses a SQLite file that does not exist, for a
// report or a change: a store made up on the spot, because site ran in
// the wrong folder, would mislead.
func leadsStoreExists(loc store.Location) error {
	if loc.Kind == store.KindSQLite {
		if _, err := os.Stat(loc.File); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("leads: no store at %s: nothing has been recorded there (run site from the site's folder, set DATA_DIR to the folder holding %s, or set DATABASE_URL to read Postgres)", filepath.ToSlash(loc.File), filepath.Base(loc.File))
		}
	}
	return nil
}

// sinceFlag is -since: empty for all time, a date, or a number of days
// back. The date's midnight is in the site's time zone, which is only
// known after the flags, so start resolves it.
type sinceFlag struct {
	text string
	days int       // > 0 for "30d"
	date time.Time // for "2026-11-01": that date at midnight UTC, zone replaced by start
}

// maxSinceDays bounds "Nd" well before time arithmetic could overflow;
// it is a century, older than any result.
const maxSinceDays = 36525

func (f *sinceFlag) String() string { return f.text }

// Set parses "2006-01-02" or "Nd" (N whole days, 1 or more).
func (f *sinceFlag) Set(s string) error {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 1 || days > maxSinceDays || n != strconv.Itoa(days) {
			return fmt.Errorf("want a number of days from 1 to %d followed by d, such as 30d", maxSinceDays)
		}
		*f = sinceFlag{text: s, days: days}
		return nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return errors.New("want a date such as 2026-11-01 or a number of days such as 30d")
	}
	*f = sinceFlag{text: s, date: d}
	return nil
}

// start returns the earliest time -since admits, given the current time
// and the site's zone; the zero time for all time.
func (f *sinceFlag) start(now time.Time, loc *time.Location) time.Time {
	switch {
	case f.days > 0:
		return now.In(loc).AddDate(0, 0, -f.days)
	case !f.date.IsZero():
		y, m, d := f.date.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	}
	return time.Time{}
}

// describe is the period for the report's heading.
func (f *sinceFlag) describe(loc *time.Location) string {
	switch {
	case f.days == 1:
		return "in the last day"
	case f.days > 0:
		return fmt.Sprintf("in the last %d days", f.days)
	case !f.date.IsZero():
		return fmt.Sprintf("since %s (%s)", f.date.Format(time.DateOnly), loc)
	}
	return "of all time"
}

// quizSummary is what the report says about a set of results.
type quizSummary struct {
	total     int
	consented int           // results with an e-mail address given with consent
	contact   int           // of those, results whose prospect agreed to be contacted
	bands     []bandCount   // the quiz's bands in file order, then ids it no longer has
	areas     []areaAverage // the quiz's dimensions in file order
}

type bandCount struct {
	id, headline string // headline is empty for a band the quiz no longer has
	count        int
}

type areaAverage struct {
	id, name string
	results  int // results that have a score for the area
	average  int // mean score, rounded half up; meaningless when results is 0
}

// summarizeQuiz counts results per band and averages each area's score.
// An area's average is over the results that scored it (all of them,
// unless the quiz gained an area since some were taken), rounded as quiz
// scores are (quiz.Mean).
func summarizeQuiz(q *quiz.Quiz, results []store.QuizResult) quizSummary {
	s := quizSummary{total: len(results), areas: make([]areaAverage, len(q.Dimensions))}
	sums := make([]int, len(q.Dimensions))
	perBand := map[string]int{}
	for _, r := range results {
		if consented(r) {
			s.consented++
		}
		if mayContact(r) {
			s.contact++
		}
		perBand[r.Band]++
		for i, d := range q.Dimensions {
			if v, ok := r.Dimensions[d.ID]; ok {
				sums[i] += v
				s.areas[i].results++
			}
		}
	}
	for i, d := range q.Dimensions {
		a := &s.areas[i]
		a.id, a.name, a.average = d.ID, d.Name, quiz.Mean(sums[i], a.results)
	}
	for _, b := range q.Bands {
		s.bands = append(s.bands, bandCount{id: b.ID, headline: b.Headline, count: perBand[b.ID]})
		delete(perBand, b.ID)
	}
	// Results keep the band id they were scored with; if quiz.toml has
	// since renamed or dropped it, count them under the old id.
	for _, id := range slices.Sorted(maps.Keys(perBand)) {
		s.bands = append(s.bands, bandCount{id: id, count: perBand[id]})
	}
	return s
}

// consented reports whether r's e-mail address may be shown: the store
// keeps one only when the prospect asked for the result by email, and
// this checks both again.
func consented(r store.QuizResult) bool {
	return r.Email != "" && r.ConsentAt != nil
}

// mayContact reports whether r's prospect also agreed to be contacted
// about it: a second, separate consent.
func mayContact(r store.QuizResult) bool {
	return consented(r) && r.ContactConsentAt != nil
}

// contactCell is the report's contact column for r.
func contactCell(r store.QuizResult) string {
	switch {
	case mayContact(r):
		return "yes"
	case consented(r):
		return "no (result only)"
	}
	return "–"
}

// weakestAreas names r's weakest areas as the results page does
// (quiz.Weakest), from the scores stored with it.
func weakestAreas(q *quiz.Quiz, r store.QuizResult) []string {
	var scored []quiz.DimensionScore
	for _, d := range q.Dimensions {
		if v, ok := r.Dimensions[d.ID]; ok {
			scored = append(scored, quiz.DimensionScore{ID: d.ID, Name: d.Name, Score: v})
		}
	}
	var names []string
	for _, d := range quiz.Weakest(scored) {
		names = append(names, d.Name)
	}
	return names
}

// writeQuizReport writes the plain-text report of results.
func writeQuizReport(w io.Writer, q *quiz.Quiz, loc *time.Location, where, period string, results []store.QuizResult) error {
	s := summarizeQuiz(q, results)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Quiz results %s\nstore: %s\n\n", period, where)
	if s.total == 0 {
		fmt.Fprintln(tw, "No quiz completions in this period.")
		return tw.Flush()
	}
	fmt.Fprintf(tw, "%d %s: %d asked for the result by email (%d%%), %d agreed to be contacted (%d%%).\n\n",
		s.total, plural(s.total, "completion", "completions"), s.consented, quiz.Percent(s.consented, s.total),
		s.contact, quiz.Percent(s.contact, s.total))

	fmt.Fprintln(tw, "Completions by band")
	for _, b := range s.bands {
		headline := b.headline
		if headline == "" {
			headline = "(band no longer in quiz.toml)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%d%%\n", headline, printable(b.id), b.count, quiz.Percent(b.count, s.total))
	}

	fmt.Fprintln(tw, "\nAverage gap score by area (0 = no sign of a gap, 100 = widest; rounded half up)")
	for _, a := range s.areas {
		avg, note := "–", ""
		if a.results > 0 {
			avg = fmt.Sprintf("%d%%", a.average)
		}
		if a.results != s.total {
			note = fmt.Sprintf("\tfrom %d of %d results", a.results, s.total)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s%s\n", a.name, a.id, avg, note)
	}

	n := min(recentResults, len(results))
	fmt.Fprintf(tw, "\n%s, newest first (times in %s)\n", plural(n, "The latest result", fmt.Sprintf("The latest %d results", n)), loc)
	fmt.Fprintln(tw, "Contact only the prospects marked yes: the others asked for their result alone.")
	fmt.Fprintln(tw, "  date\tband\toverall\tweakest areas\te-mail\tcontact")
	for _, r := range results[:n] {
		email := "anonymous"
		if consented(r) {
			email = printable(r.Email)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d%%\t%s\t%s\t%s\n",
			r.CreatedAt.In(loc).Format("2006-01-02 15:04"), printable(r.Band), r.Overall,
			cmp.Or(strings.Join(weakestAreas(q, r), ", "), "–"), email, contactCell(r))
	}
	if n < len(results) {
		fmt.Fprintf(tw, "  … and %d earlier; -csv lists them all.\n", len(results)-n)
	}
	return tw.Flush()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// printable replaces characters that would garble a terminal or the
// table (control characters, tabs, escape sequences) with '?'. Band ids
// and addresses come from visitors' requests, through the store's checks.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return '?'
		}
		return r
	}, s)
}

// writeQuizCSV writes results as CSV with a header row: id, created_at
// (RFC 3339, UTC), band, overall, one column per dimension id in the
// quiz's order (empty where a result has no score for it), then the two
// consents apart: email and result_requested_at (both empty unless the
// prospect asked for the result by email), contact_consent_at (empty
// unless they also agreed to be contacted) and may_contact ("yes" or
// "no", empty without an address). Every cell goes through
// spreadsheetSafe.
func writeQuizCSV(w io.Writer, q *quiz.Quiz, results []store.QuizResult) error {
	cw := newCSVWriter(w)
	header := []string{"id", "created_at", "band", "overall"}
	for _, d := range q.Dimensions {
		header = append(header, d.ID)
	}
	header = append(header, "email", "result_requested_at", "contact_consent_at", "may_contact")
	if err := writeSafe(cw, header); err != nil {
		return err
	}
	for _, r := range results {
		row := []string{r.ID, r.CreatedAt.UTC().Format(time.RFC3339), r.Band, strconv.Itoa(r.Overall)}
		for _, d := range q.Dimensions {
			cell := ""
			if v, ok := r.Dimensions[d.ID]; ok {
				cell = strconv.Itoa(v)
			}
			row = append(row, cell)
		}
		email, requestedAt, contactAt, may := "", "", "", ""
		if consented(r) {
			email, requestedAt, may = r.Email, r.ConsentAt.UTC().Format(time.RFC3339), "no"
		}
		if mayContact(r) {
			contactAt, may = r.ContactConsentAt.UTC().Format(time.RFC3339), "yes"
		}
		row = append(row, email, requestedAt, contactAt, may)
		if err := writeSafe(cw, row); err != nil {
			return err
		}
	}
	return cw.flush()
}

func writeSafe(cw *csvWriter, row []string) error { return cw.write(row) }

// csvWriter writes CSV for spreadsheets, whose users open it in whatever
// locale they have: a cell holding a separator (comma, semicolon, tab) or
// a quote or line break is always quoted, so a semicolon locale cannot
// split it, and every part of a cell that a spreadsheet could read as a
// formula, at its start or after a separator, is defused.
type csvWriter struct {
	w   *bufio.Writer
	err error
}

func newCSVWriter(w io.Writer) *csvWriter { return &csvWriter{w: bufio.NewWriter(w)} }

func (c *csvWriter) write(row []string) error {
	for i, cell := range row {
		if i > 0 {
			c.w.WriteByte(',')
		}
		cell = spreadsheetSafe(cell)
		if strings.ContainsAny(cell, ",;\t\"\r\n") || strings.TrimSpace(cell) != cell {
			cell = `"` + strings.ReplaceAll(cell, `"`, `""`) + `"`
		}
		c.w.WriteString(cell)
	}
	_, err := c.w.WriteString("\n")
	return err
}

func (c *csvWriter) flush() error { return c.w.Flush() }

// spreadsheetSafe defuses CSV formula injection: a spreadsheet runs a
// cell that starts with = + - or @ as a formula (and some treat a leading
// tab or carriage return the same way), so such a cell gets a leading
// apostrophe and is shown as text. OWASP's advice; the CSV is for people
// opening it in a spreadsheet, and a visitor chooses the e-mail address.
// The same goes for each part after a separator, which a spreadsheet in
// another locale may take for a cell of its own ("Acme;=1+1"). No cell
// the command writes is a negative number, so none is harmed.
func spreadsheetSafe(cell string) string {
	var b strings.Builder
	start := true
	for i := 0; i < len(cell); i++ {
		c := cell[i]
		if start && strings.IndexByte("=+-@\t\r", c) >= 0 {
			b.WriteByte('\'')
		}
		b.WriteByte(c)
		start = strings.IndexByte(",;\t|", c) >= 0 || (start && c == ' ')
	}
	return b.String()
}

// defaultBookingsSince is how far back site leads bookings lists past
// bookings unless -since says otherwise.
const defaultBookingsSince = 30

func runLeadsBookings(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet(e, "leads bookings", "leads bookings [flags]\n\nLists the consultations in the store: the upcoming ones (starting from now\non), soonest first, then the past ones since -since, latest first, with\ntimes in the consultant's zone (site.toml's [booking] timeZone, else the\nsite's timeZone). Cancelled bookings are only counted unless -all is given.\nWith -csv, writes every field of those bookings as CSV to stdout instead.")
	dir := fset.String("content", "content", "read site.toml from `DIR` (falls back to content/ as in site build)")
	since := sinceFlag{text: fmt.Sprintf("%dd", defaultBookingsSince), days: defaultBookingsSince}
	fset.Var(&since, "since", "list past bookings from `WHEN` on: a date such as 2026-11-01 (from midnight in the consultant's zone) or a number of days back such as 90d; upcoming ones are always listed")
	asCSV := fset.Bool("csv", false, "write every field of the bookings as CSV (start and end in UTC) to stdout instead of the table")
	all := fset.Bool("all", false, "list cancelled bookings too, rather than only counting them")
	if err := parse(fset, args); err != nil {
		return err
	}
	loc, err := loadBookingZone(*dir)
	if err != nil {
		return err
	}
	now := time.Now()
	from := since.start(now, loc)

	st, where, err := openLeadsStore(ctx, e.getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	// Upcoming bookings are listed whatever -since says, even a -since
	// in the future.
	list, err := st.Bookings(ctx, minTime(from, now))
	if err != nil {
		return fmt.Errorf("leads bookings: read bookings from %s: %w", where, err)
	}
	v := splitBookings(list, now, from, *all)

	if *asCSV {
		// Chronological, as a spreadsheet sorts by date.
		rows := append(slices.Clone(v.past), v.upcoming...)
		slices.SortStableFunc(rows, func(a, b store.Booking) int { return a.Start.Compare(b.Start) })
		if err := writeBookingsCSV(e.stdout, rows); err != nil {
			return fmt.Errorf("leads bookings: write CSV: %w", err)
		}
		// On stderr, so that stdout stays pure CSV for a redirect.
		fmt.Fprintf(e.stderr, "store: %s: %d upcoming and %d past %s %s%s\n", where, len(v.upcoming), len(v.past),
			plural(len(v.past), "booking", "bookings"), since.describe(loc), cancelledNote(v.cancelledUpcoming+v.cancelledPast, "includes"))
		return nil
	}
	return writeBookingsReport(e.stdout, loc, where, since.describe(loc), v)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// loadBookingZone returns the consultant's time zone: site.toml's
// [booking] timeZone, else its timeZone, else UTC, site.toml coming from
// the folder site build takes it from. Unlike leads quiz, it wants a
// site.toml: appointment times in the wrong zone would mislead.
func loadBookingZone(dir string) (*time.Location, error) {
	s, err := loadSiteSettings(dir)
	if err != nil {
		return nil, err
	}
	if s.Booking == nil || s.Booking.TimeZone == "" {
		return s.Location, nil
	}
	// As booking.FromSite reads it: "Local" would be this machine's zone,
	// not the consultant's.
	loc, ok := booking.LoadZone(s.Booking.TimeZone)
	if !ok {
		return nil, fmt.Errorf("leads: %s: booking.timeZone %q is not a known IANA zone (e.g. America/Chicago)", s.File, s.Booking.TimeZone)
	}
	return loc, nil
}

// bookingsView is what site leads bookings lists.
type bookingsView struct {
	upcoming []store.Booking // start at or after now, soonest first
	past     []store.Booking // start in [since, now), latest first
	// Cancelled bookings left out (without -all).
	cancelledUpcoming, cancelledPast int
}

// splitBookings sorts list, by start as Bookings returns it, into
// upcoming and past bookings, leaving out past ones before since and,
// unless all, counting cancelled ones rather than listing them.
func splitBookings(list []store.Booking, now, since time.Time, all bool) bookingsView {
	var v bookingsView
	for _, b := range list {
		upcoming := !b.Start.Before(now)
		if !upcoming && b.Start.Before(since) {
			continue
		}
		if b.CancelledAt != nil && !all {
			if upcoming {
				v.cancelledUpcoming++
			} else {
				v.cancelledPast++
			}
			continue
		}
		if upcoming {
			v.upcoming = append(v.upcoming, b)
		} else {
			v.past = append(v.past, b)
		}
	}
	slices.Reverse(v.past)
	return v
}

// cancelledNote is the count of cancelled bookings left out, after a
// listing or a count; "" when there are none.
func cancelledNote(n int, verb string) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (and %d cancelled, not listed: -all %s %s)", n, verb, plural(n, "it", "them"))
}

// writeBookingsReport writes the plain-text table of v. Everything a
// visitor typed goes through printable; the IP hash is never shown.
func writeBookingsReport(w io.Writer, loc *time.Location, where, period string, v bookingsView) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Bookings (times in %s)\nstore: %s\n", loc, where)
	section := func(title string, list []store.Booking, cancelled int) {
		fmt.Fprintf(tw, "\n%s: %d %s%s\n", title, len(list), plural(len(list), "booking", "bookings"), cancelledNote(cancelled, "lists"))
		if len(list) == 0 {
			return
		}
		fmt.Fprintln(tw, "  when\tname\te-mail\tcompany\trole\tsize\tstatus\tquiz result\tchallenges")
		for _, b := range list {
			start, end := b.Start.In(loc), b.End.In(loc)
			when := start.Format("Mon 2006-01-02 15:04") + "–" + end.Format("15:04")
			if y, m, d := end.Date(); y != start.Year() || m != start.Month() || d != start.Day() {
				when = start.Format("Mon 2006-01-02 15:04") + "–" + end.Format("Mon 2006-01-02 15:04")
			}
			status := "booked"
			if b.CancelledAt != nil {
				status = "cancelled"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", when,
				cell(b.Name), cell(b.Email), cell(b.Company), cell(b.Role), cell(b.CompanySize),
				status, cell(b.QuizResult), len(b.Challenges))
		}
	}
	section("Upcoming", v.upcoming, v.cancelledUpcoming)
	section("Past, "+period, v.past, v.cancelledPast)
	return tw.Flush()
}

// cell is a table cell for text a visitor gave: printable, "-" when empty.
func cell(s string) string {
	return cmp.Or(printable(s), "-")
}

// writeBookingsCSV writes bookings as CSV with a header row: every field
// but the IP hash, times in RFC 3339 UTC, challenges joined with "; ",
// and last the prospect's time zone (empty when their browser gave none).
// Every cell goes through spreadsheetSafe.
func writeBookingsCSV(w io.Writer, list []store.Booking) error {
	cw := newCSVWriter(w)
	header := []string{"id", "start", "end", "name", "email", "company", "role", "company_size",
		"challenges", "message", "quiz_result", "sequence", "cancelled_at", "created_at", "time_zone"}
	if err := writeSafe(cw, header); err != nil {
		return err
	}
	utc := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	for _, b := range list {
		cancelledAt := ""
		if b.CancelledAt != nil {
			cancelledAt = utc(*b.CancelledAt)
		}
		row := []string{b.ID, utc(b.Start), utc(b.End), b.Name, b.Email, b.Company, b.Role, b.CompanySize,
			strings.Join(b.Challenges, "; "), b.Message, b.QuizResult, strconv.Itoa(b.Sequence), cancelledAt, utc(b.CreatedAt), b.TimeZone}
		if err := writeSafe(cw, row); err != nil {
			return err
		}
	}
	return cw.flush()
}

// defaultSendLimit is how many messages site leads send handles at most.
const defaultSendLimit = 100

// parkedAfter tells a parked message (one mail.Drain put a century away
// because its payload cannot be sent) from one backing off, whose next
// attempt is at most mail.BackoffMax away.
const parkedAfter = 10 * 365 * 24 * time.Hour

func runLeadsSend(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet(e, "leads send", "leads send [flags]\n\nSends the e-mail queued in the store's outbox that is due now, as the site's\nfunction does after each booking: over SMTP when SMTP_URL (and MAIL_FROM)\nis set, otherwise as .eml files under DATA_DIR/mail. Prints how many were\nsent, failed and are still queued, each failure, and the messages waiting\nfor their next attempt. A failed message stays queued and is retried\nlater; the exit status is 1 if any failed.")
	limit := fset.Int("limit", defaultSendLimit, "send at most `N` messages")
	now := fset.Bool("now", false, "also send the messages waiting for their next attempt after a failure (not the parked ones), without waiting for the backoff")
	if err := parse(fset, args); err != nil {
		return err
	}
	if *limit < 1 {
		return usageError{fmt.Sprintf("-limit %d: want 1 or more", *limit)}
	}
	sender, senderDesc, err := mail.NewSender(e.getenv, store.DataDir(e.getenv))
	if err != nil {
		return fmt.Errorf("leads send: %w", err)
	}
	if fsender, ok := sender.(*mail.FileSender); ok {
		fsender.Log = nil // the summary says where the files went
	}
	st, where, err := openLeadsStore(ctx, e.getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(e.stdout, "store: %s\nmail: %s\n", where, senderDesc)

	if *now {
		n, err := st.RetryNow(ctx, time.Now(), time.Now().Add(parkedAfter))
		if err != nil {
			return fmt.Errorf("leads send -now: %w", err)
		}
		fmt.Fprintf(e.stdout, "-now: %d waiting %s made due now\n", n, plural(n, "message", "messages"))
	}
	box := &drainRecord{Outbox: st, claimed: map[int64]store.OutboxMessage{}}
	sent, failed, drainErr := drainAll(ctx, box, sender, *limit)

	listed := time.Now()
	queued, err := st.Outbox(ctx, false)
	if err != nil {
		fmt.Fprintf(e.stdout, "sent %d, failed %d, still queued ?\n", sent, failed)
		return errors.Join(drainErr, fmt.Errorf("leads send: list the outbox of %s: %w", where, err))
	}
	fmt.Fprintf(e.stdout, "sent %d, failed %d, still queued %d\n", sent, failed, len(queued))
	if err := writeSendReport(e.stdout, listed, box, queued, sent+failed >= *limit); err != nil {
		return err
	}
	if drainErr != nil {
		return fmt.Errorf("leads send: %w", drainErr)
	}
	if failed > 0 {
		return fmt.Errorf("leads send: %d %s failed (listed above); %s in the outbox", failed,
			plural(failed, "message", "messages"), plural(failed, "it stays", "they stay"))
	}
	return nil
}

// drainAll calls mail.Drain until nothing is due or limit messages have
// been handled. It stops at an outbox error, or when ctx ends; a payload
// that cannot be decoded is only counted in failed (Drain parks it).
func drainAll(ctx context.Context, box mail.Outbox, s mail.Sender, limit int) (sent, failed int, err error) {
	for sent+failed < limit {
		n, f, err := mail.Drain(ctx, box, s, time.Now(), limit-sent-failed)
		sent, failed = sent+n, failed+f
		if err := outboxError(err); err != nil {
			return sent, failed, err
		}
		if n+f == 0 {
			break
		}
	}
	return sent, failed, nil
}

// outboxError is what of mail.Drain's error should stop the run: all but
// the undecodable payloads, which are counted as failed and listed.
func outboxError(err error) error {
	if err == nil {
		return nil
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var keep []error
	for _, e := range errs {
		if !errors.Is(e, mail.ErrInvalid) {
			keep = append(keep, e)
		}
	}
	return errors.Join(keep...)
}

// drainRecord passes mail.Drain's calls to the outbox and notes which
// messages it claimed and which failed, so the failures can be listed.
type drainRecord struct {
	mail.Outbox
	claimed map[int64]store.OutboxMessage
	failed  []sendFailure // in the order they failed
}

type sendFailure struct {
	id     int64
	reason string
	next   time.Time
}

func (r *drainRecord) ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.OutboxMessage, error) {
	msgs, err := r.Outbox.ClaimMessages(ctx, now, lease, limit)
	for _, m := range msgs {
		m.Payload = nil // not needed, and possibly large
		r.claimed[m.ID] = m
	}
	return msgs, err
}

func (r *drainRecord) MarkFailed(ctx context.Context, id int64, reason string, next time.Time) error {
	r.failed = append(r.failed, sendFailure{id: id, reason: reason, next: next})
	return r.Outbox.MarkFailed(ctx, id, reason, next)
}

// writeSendReport lists the messages that failed in this run, the queued
// ones that are not due yet, and why due ones are left.
func writeSendReport(w io.Writer, now time.Time, rec *drainRecord, queued []store.OutboxMessage, limitReached bool) error {
	byID := map[int64]store.OutboxMessage{}
	for _, m := range queued {
		byID[m.ID] = m
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "  id\tkind\tto\tattempts\tnext attempt\tlast error"
	line := func(m store.OutboxMessage) {
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%d\t%s\t%s\n", m.ID, printable(m.Kind), printable(m.To), m.Attempts,
			nextAttempt(m.NextAttempt, now), cmp.Or(printable(m.LastError), "-"))
	}

	failedNow := map[int64]bool{}
	if len(rec.failed) > 0 {
		fmt.Fprintf(tw, "\nFailed (kept in the outbox):\n%s\n", header)
		for _, f := range rec.failed {
			if failedNow[f.id] {
				continue
			}
			failedNow[f.id] = true
			m, ok := byID[f.id]
			if !ok {
				// Not queued any more (sent by another drainer since):
				// show what this run saw.
				m = rec.claimed[f.id]
				m.ID, m.Attempts, m.NextAttempt, m.LastError = f.id, m.Attempts+1, f.next, f.reason
			}
			line(m)
		}
	}

	var waiting []store.OutboxMessage
	due := 0
	for _, m := range queued {
		switch {
		case failedNow[m.ID]:
		case m.NextAttempt.After(now):
			waiting = append(waiting, m)
		default:
			due++
		}
	}
	if len(waiting) > 0 {
		fmt.Fprintf(tw, "\nWaiting for their next attempt:\n%s\n", header)
		for _, m := range waiting {
			line(m)
		}
	}
	if due > 0 {
		why := "held by another sender, or one cut short; they are due again within " + mail.Lease.String()
		if limitReached {
			why = "the -limit was reached; run site leads send again"
		}
		fmt.Fprintf(tw, "\n%d due %s not sent: %s.\n", due, plural(due, "message", "messages"), why)
	}
	return tw.Flush()
}

// nextAttempt describes when a queued message is tried next, in this
// machine's zone.
func nextAttempt(t, now time.Time) string {
	switch {
	case t.Sub(now) > parkedAfter:
		return "never (parked: cannot be sent)"
	case !t.After(now):
		return "due now"
	}
	return fmt.Sprintf("%s (in %s)", t.Local().Format("2006-01-02 15:04:05 MST"), roughly(t.Sub(now)))
}

// roughly writes d to the second under a minute, else to the minute:
// 45s, 2m, 1h, 4h16m.
func roughly(d time.Duration) string {
	if d = d.Round(time.Second); d < time.Minute {
		return d.String()
	}
	s := strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
