package main

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/store"
)

// leadsCommands are the subcommands of site leads, in the order its usage
// lists them. Adding one (bookings, send) is one line here and its run
// function in a file of its own.
func leadsCommands() []command {
	return []command{
		{"quiz", "quiz completions by band, average gap per area, latest results (-csv: every result)", runLeadsQuiz},
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
	fmt.Fprintln(w, "usage: site leads <subcommand> [flags]\n\nReads what the site's function recorded: Postgres when DATABASE_URL or\nNETLIFY_DB_URL is set, otherwise the SQLite file under DATA_DIR (.data).\n\nsubcommands:")
	for _, c := range leadsCommands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"site leads <subcommand> -h\" for its flags.")
}

// recentResults is how many results the quiz report lists one by one;
// -csv gives them all.
const recentResults = 20

func runLeadsQuiz(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet(e, "leads quiz", "leads quiz [flags]\n\nReports the readiness quiz results in the store: completions and consents,\ncompletions per band, the average gap score per area, and the latest\nresults. E-mail addresses appear only where the prospect consented.\nWith -csv, writes every result as CSV to stdout instead.")
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

// postgresEnvVars are the variables store.Open takes a Postgres URL from,
// in its order of precedence; leads names the one it used.
var postgresEnvVars = []string{"DATABASE_URL", "NETLIFY_DB_URL", "NETLIFY_DATABASE_URL"}

// sqliteFile is the file store.Open keeps under DATA_DIR.
const sqliteFile = "site.db"

// openLeadsStore opens the store as the function does, and describes it
// for the report ("sqlite .data/site.db", "postgres db.example.com/site
// (DATABASE_URL)") without credentials. Unlike store.Open it will not
// create a SQLite file: a report of nothing from a store that did not
// exist, because site ran in the wrong folder, would mislead.
func openLeadsStore(ctx context.Context, getenv func(string) string) (store.Store, string, error) {
	where := describeStore(getenv)
	if !strings.HasPrefix(where, store.KindPostgres) {
		dir := cmp.Or(getenv("DATA_DIR"), store.DefaultDataDir)
		path := filepath.Join(dir, sqliteFile)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, "", fmt.Errorf("leads: no store at %s: nothing has been recorded there (run site from the site's folder, set DATA_DIR to the folder holding %s, or set DATABASE_URL to read Postgres)", filepath.ToSlash(path), sqliteFile)
		}
	}
	st, err := store.Open(ctx, getenv)
	if err != nil {
		// The store's errors name host, user and database but never the
		// password (pgx redacts it), so the cause can be shown in full.
		return nil, "", fmt.Errorf("leads: cannot open the store (%s): %w", where, err)
	}
	return st, where, nil
}

// describeStore names the store store.Open picks for getenv. A Postgres
// URL shows only its host and database, never its user or password.
func describeStore(getenv func(string) string) string {
	for _, name := range postgresEnvVars {
		v := getenv(name)
		if v == "" {
			continue
		}
		// Key=value connection strings are not URLs; they get no details.
		if u, err := url.Parse(v); err == nil && u.Host != "" && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
			return fmt.Sprintf("%s %s%s (%s)", store.KindPostgres, u.Host, u.Path, name)
		}
		return fmt.Sprintf("%s (%s)", store.KindPostgres, name)
	}
	dir := cmp.Or(getenv("DATA_DIR"), store.DefaultDataDir)
	return store.KindSQLite + " " + filepath.ToSlash(filepath.Join(dir, sqliteFile))
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
// unless the quiz gained an area since some were taken), rounded to the
// nearest whole percent with halves up, as quiz scores are.
func summarizeQuiz(q *quiz.Quiz, results []store.QuizResult) quizSummary {
	s := quizSummary{total: len(results), areas: make([]areaAverage, len(q.Dimensions))}
	sums := make([]int, len(q.Dimensions))
	perBand := map[string]int{}
	for _, r := range results {
		if consented(r) {
			s.consented++
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
		a.id, a.name, a.average = d.ID, d.Name, roundedShare(sums[i], a.results, 1)
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

// roundedShare is scale·part/whole rounded to the nearest whole number,
// halves up (quiz.percent's rule); 0 when whole is 0. With scale 100 it
// is a percentage; with scale 1, a mean.
func roundedShare(part, whole, scale int) int {
	if whole <= 0 {
		return 0
	}
	return (2*scale*part + whole) / (2 * whole)
}

// consented reports whether r's e-mail address may be shown: the store
// keeps one only with consent, and this checks both again.
func consented(r store.QuizResult) bool {
	return r.Email != "" && r.ConsentAt != nil
}

// weakestAreas names r's two highest-scoring areas, highest first, ties
// going to the area listed first in the quiz, as the results page does.
func weakestAreas(q *quiz.Quiz, r store.QuizResult) []string {
	type scored struct {
		name  string
		score int
	}
	var all []scored
	for _, d := range q.Dimensions {
		if v, ok := r.Dimensions[d.ID]; ok {
			all = append(all, scored{d.Name, v})
		}
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	var names []string
	for _, s := range all[:min(quiz.WeakestCount, len(all))] {
		names = append(names, s.name)
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
	fmt.Fprintf(tw, "%d %s, %d left an e-mail address with consent to be contacted (%d%%).\n\n",
		s.total, plural(s.total, "completion", "completions"), s.consented, roundedShare(s.consented, s.total, 100))

	fmt.Fprintln(tw, "Completions by band")
	for _, b := range s.bands {
		headline := b.headline
		if headline == "" {
			headline = "(band no longer in quiz.toml)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%d%%\n", headline, printable(b.id), b.count, roundedShare(b.count, s.total, 100))
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
	fmt.Fprintln(tw, "  date\tband\toverall\tweakest areas\te-mail")
	for _, r := range results[:n] {
		email := "anonymous"
		if consented(r) {
			email = printable(r.Email)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d%%\t%s\t%s\n",
			r.CreatedAt.In(loc).Format("2006-01-02 15:04"), printable(r.Band), r.Overall,
			cmp.Or(strings.Join(weakestAreas(q, r), ", "), "–"), email)
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
// quiz's order (empty where a result has no score for it), email and
// consent_at (both empty unless the prospect consented). Every cell goes
// through spreadsheetSafe.
func writeQuizCSV(w io.Writer, q *quiz.Quiz, results []store.QuizResult) error {
	cw := csv.NewWriter(w)
	header := []string{"id", "created_at", "band", "overall"}
	for _, d := range q.Dimensions {
		header = append(header, d.ID)
	}
	header = append(header, "email", "consent_at")
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
		email, consentAt := "", ""
		if consented(r) {
			email, consentAt = r.Email, r.ConsentAt.UTC().Format(time.RFC3339)
		}
		row = append(row, email, consentAt)
		if err := writeSafe(cw, row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeSafe(cw *csv.Writer, row []string) error {
	for i, cell := range row {
		row[i] = spreadsheetSafe(cell)
	}
	return cw.Write(row)
}

// spreadsheetSafe defuses CSV formula injection: a spreadsheet runs a
// cell that starts with = + - or @ as a formula (and some treat a leading
// tab or carriage return the same way), so such a cell gets a leading
// apostrophe and is shown as text. OWASP's advice; the CSV is for people
// opening it in a spreadsheet, and a visitor chooses the e-mail address.
// No cell the command writes is a negative number, so none is harmed.
func spreadsheetSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
