package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/store"
)

// leadsContent is the site's own content folder, seen from cmd/site, so the
// tests read the real quiz.toml (bands, areas and their order) and the
// real time zone (America/Chicago).
const leadsContent = "../../content"

// chicago is the zone of content/site.toml; the tests need it to place
// results on either side of a -since date.
func chicago(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// leadsEnv returns a getenv with DATA_DIR set to a fresh folder and
// nothing else, so that neither a DATABASE_URL in the environment nor
// the working directory's .data is touched.
func leadsEnv(t testing.TB) func(string) string {
	t.Helper()
	dir := t.TempDir()
	return func(name string) string {
		if name == "DATA_DIR" {
			return dir
		}
		return ""
	}
}

// seedQuiz saves results into the store getenv opens.
func seedQuiz(t testing.TB, getenv func(string) string, results ...store.QuizResult) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, getenv)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, r := range results {
		if err := st.SaveQuizResult(ctx, &r); err != nil {
			t.Fatalf("save %s: %v", r.ID, err)
		}
	}
}

// runLeadsCmd runs site with args and returns stdout, stderr and the error.
func runLeadsCmd(t testing.TB, getenv func(string) string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, getenv, strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// leadID is a valid store id made of one repeated letter.
func leadID(c byte) string { return strings.Repeat(string(c), store.IDLen) }

// dims builds a result's area scores in the quiz's order: alignment,
// process, leadership, technology, accountability.
func dims(alignment, process, leadership, technology, accountability int) map[string]int {
	return map[string]int{
		"alignment": alignment, "process": process, "leadership": leadership,
		"technology": technology, "accountability": accountability,
	}
}

func consent(t time.Time) *time.Time { return &t }

// leadsFixture is six results: two before 2026-11-01 in Chicago (one of
// them at 23:30 on 31 October there, already 1 November in UTC) and four
// from then on; three with an address, given to have the result sent,
// one of which (dan) also agreed to be contacted.
func leadsFixture(t testing.TB) []store.QuizResult {
	loc := chicago(t)
	at := func(day, hour, minute int) time.Time {
		if day > 31 {
			return time.Date(2026, time.November, day-31, hour, minute, 0, 0, loc)
		}
		return time.Date(2026, time.October, day, hour, minute, 0, 0, loc)
	}
	nov := func(d int) int { return 31 + d }
	return []store.QuizResult{
		// A tie between alignment and process: the first listed wins.
		{ID: leadID('a'), CreatedAt: at(15, 12, 0), Overall: 10, Band: "built", Dimensions: dims(20, 20, 0, 5, 15)},
		{ID: leadID('b'), CreatedAt: at(31, 23, 30), Overall: 30, Band: "strain", Dimensions: dims(30, 40, 20, 30, 30),
			Email: "bea@example.com", ConsentAt: consent(at(31, 23, 35))},
		{ID: leadID('c'), CreatedAt: at(nov(1), 0, 30), Overall: 60, Band: "gap", Dimensions: dims(50, 10, 33, 40, 99)},
		{ID: leadID('d'), CreatedAt: at(nov(3), 10, 0), Overall: 70, Band: "gap", Dimensions: dims(51, 11, 33, 41, 100),
			Email: "dan@example.com", ConsentAt: consent(at(nov(3), 10, 2)), ContactConsentAt: consent(at(nov(3), 10, 2))},
		{ID: leadID('e'), CreatedAt: at(nov(5), 16, 45), Overall: 90, Band: "outgrown", Dimensions: dims(60, 0, 33, 61, 100)},
		{ID: leadID('f'), CreatedAt: at(nov(6), 9, 5), Overall: 80, Band: "outgrown", Dimensions: dims(70, 0, 34, 60, 100),
			Email: "+1+1@example.com", ConsentAt: consent(at(nov(6), 9, 6))},
	}
}

// reportLine fails unless the report has a line matching pattern, in which
// runs of spaces stand for tabwriter's padding.
func reportLine(t testing.TB, report, pattern string) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + strings.ReplaceAll(pattern, " ", ` +`) + ` *$`)
	if !re.MatchString(report) {
		t.Errorf("report has no line matching %q:\n%s", pattern, report)
	}
}

func TestLeadsQuizReport(t *testing.T) {
	getenv := leadsEnv(t)
	seedQuiz(t, getenv, leadsFixture(t)...)

	t.Run("all time", func(t *testing.T) {
		out, stderr, err := runLeadsCmd(t, getenv, "leads", "quiz", "-content", leadsContent)
		if err != nil {
			t.Fatalf("got error %v (stderr %q), want none", err, stderr)
		}
		wantDB := "store: sqlite " + filepath.ToSlash(filepath.Join(getenv("DATA_DIR"), "site.db"))
		reportLine(t, out, regexp.QuoteMeta(wantDB))
		reportLine(t, out, `Quiz results of all time`)
		reportLine(t, out, `6 completions: 3 asked for the result by email \(50%\), 1 agreed to be contacted \(17%\)\.`)
		reportLine(t, out, `Contact only the prospects marked yes: the others asked for their result alone\.`)
		reportLine(t, out, `  date band overall weakest areas e-mail contact`)
		// 1 of 6 is 16.7%, rounded to 17; 2 of 6 is 33.3%, rounded to 33.
		reportLine(t, out, `  Built to deliver built 1 17%`)
		reportLine(t, out, `  Early strain strain 1 17%`)
		reportLine(t, out, `  A widening gap gap 2 33%`)
		reportLine(t, out, `  Outgrown operating model outgrown 2 33%`)
		// The latest results in Chicago time, the tie going to the area listed first.
		reportLine(t, out, `  2026-10-15 12:00 built 10% Strategy–operations alignment, Process design anonymous –`)
		reportLine(t, out, `  2026-10-31 23:30 strain 30% Process design, Strategy–operations alignment bea@example.com no \(result only\)`)
		if got := strings.Count(out, "anonymous"); got != 3 {
			t.Errorf("got %d anonymous results, want 3:\n%s", got, out)
		}
	})

	t.Run("since", func(t *testing.T) {
		out, stderr, err := runLeadsCmd(t, getenv, "leads", "quiz", "-content", leadsContent, "-since", "2026-11-01")
		if err != nil {
			t.Fatalf("got error %v (stderr %q), want none", err, stderr)
		}
		reportLine(t, out, `Quiz results since 2026-11-01 \(America/Chicago\)`)
		reportLine(t, out, `4 completions: 2 asked for the result by email \(50%\), 1 agreed to be contacted \(25%\)\.`)
		reportLine(t, out, `  Built to deliver built 0 0%`)
		reportLine(t, out, `  Early strain strain 0 0%`)
		reportLine(t, out, `  A widening gap gap 2 50%`)
		reportLine(t, out, `  Outgrown operating model outgrown 2 50%`)
		// Means of the four results, rounded half up:
		// 231/4 = 57.75, 21/4 = 5.25, 133/4 = 33.25, 202/4 = 50.5, 399/4 = 99.75.
		reportLine(t, out, `  Strategy–operations alignment alignment 58%`)
		reportLine(t, out, `  Process design process 5%`)
		reportLine(t, out, `  Leadership alignment leadership 33%`)
		reportLine(t, out, `  Technology adoption technology 51%`)
		reportLine(t, out, `  Accountability accountability 100%`)
		reportLine(t, out, `The latest 4 results, newest first \(times in America/Chicago\)`)
		reportLine(t, out, `  2026-11-06 09:05 outgrown 80% Accountability, Strategy–operations alignment \+1\+1@example.com no \(result only\)`)
		reportLine(t, out, `  2026-11-05 16:45 outgrown 90% Accountability, Technology adoption anonymous –`)
		reportLine(t, out, `  2026-11-03 10:00 gap 70% Accountability, Strategy–operations alignment dan@example.com yes`)
		reportLine(t, out, `  2026-11-01 00:30 gap 60% Accountability, Strategy–operations alignment anonymous –`)
		// 23:30 on 31 October in Chicago is 1 November in UTC, and still out.
		if strings.Contains(out, "bea@example.com") || strings.Contains(out, "2026-10-") {
			t.Errorf("report since 2026-11-01 shows an October result:\n%s", out)
		}
		// Newest first.
		if i, j := strings.Index(out, "2026-11-06"), strings.Index(out, "2026-11-01 00:30"); i < 0 || j < i {
			t.Errorf("results not newest first:\n%s", out)
		}
	})

	t.Run("days", func(t *testing.T) {
		// Every fixture is weeks old by now: nothing in the last day.
		getenv := leadsEnv(t)
		now := time.Now()
		seedQuiz(t, getenv, leadsFixture(t)...)
		seedQuiz(t, getenv,
			store.QuizResult{ID: leadID('g'), CreatedAt: now.Add(-time.Hour), Overall: 40, Band: "strain", Dimensions: dims(40, 40, 40, 40, 40)})
		out, _, err := runLeadsCmd(t, getenv, "leads", "quiz", "-content", leadsContent, "-since", "1d")
		if err != nil {
			t.Fatal(err)
		}
		reportLine(t, out, `Quiz results in the last day`)
		reportLine(t, out, `1 completion: 0 asked for the result by email \(0%\), 0 agreed to be contacted \(0%\)\.`)
		reportLine(t, out, `  Early strain strain 1 100%`)
	})
}

func TestLeadsQuizEmpty(t *testing.T) {
	getenv := leadsEnv(t)
	seedQuiz(t, getenv) // an empty store
	out, _, err := runLeadsCmd(t, getenv, "leads", "quiz", "-content", leadsContent)
	if err != nil {
		t.Fatal(err)
	}
	reportLine(t, out, `No quiz completions in this period\.`)
}

func TestLeadsQuizOnlyConsentedEmails(t *testing.T) {
	// The store refuses an address without consent, so a result that has
	// one cannot be made; what the CLI must do is show the consented
	// addresses, each once and with its own result and whether contact
	// was agreed, and "anonymous" for every other result.
	getenv := leadsEnv(t)
	fixture := leadsFixture(t)
	seedQuiz(t, getenv, fixture...)
	out, _, err := runLeadsCmd(t, getenv, "leads", "quiz", "-content", leadsContent)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range fixture {
		line := regexp.MustCompile(`(?m)^  ` + r.CreatedAt.In(chicago(t)).Format("2006-01-02 15:04") + ` .*$`).FindString(out)
		want := "anonymous –"
		switch {
		case r.ContactConsentAt != nil:
			want = r.Email + " yes"
		case r.ConsentAt != nil:
			want = r.Email + " no (result only)"
		}
		if !strings.HasSuffix(regexp.MustCompile(` +`).ReplaceAllString(strings.TrimRight(line, " "), " "), " "+want) {
			t.Errorf("result %s: got line %q, want it to end in %q", r.ID, line, want)
		}
	}
}

func TestLeadsQuizManyResults(t *testing.T) {
	getenv := leadsEnv(t)
	start := time.Date(2026, time.November, 1, 12, 0, 0, 0, time.UTC)
	var rs []store.QuizResult
	for i := range 25 {
		rs = append(rs, store.QuizResult{CreatedAt: start.Add(time.Duration(i) * time.Hour), Overall: 50, Band: "gap", Dimensions: dims(50, 50, 50, 50, 50)})
	}
	seedQuiz(t, getenv, rs...)
	out, _, err := runLeadsCmd(t, getenv, "leads", "quiz", "-content", leadsContent)
	if err != nil {
		t.Fatal(err)
	}
	reportLine(t, out, `The latest 20 results, newest first \(times in America/Chicago\)`)
	reportLine(t, out, `  … and 5 earlier; -csv lists them all\.`)
	if got := len(regexp.MustCompile(`(?m)^  2026-11-\d\d \d\d:00 +gap +50% `).FindAllString(out, -1)); got != 20 {
		t.Errorf("got %d result rows, want 20:\n%s", got, out)
	}
}

func TestLeadsQuizCSV(t *testing.T) {
	getenv := leadsEnv(t)
	fixture := leadsFixture(t)
	// A band id the quiz does not have, and one a spreadsheet would run.
	extra := store.QuizResult{ID: leadID('z'), CreatedAt: time.Date(2026, time.November, 20, 15, 0, 0, 0, time.UTC),
		Overall: 5, Band: "=HYPERLINK(1)", Dimensions: map[string]int{"alignment": 5}}
	seedQuiz(t, getenv, append(fixture, extra)...)

	out, stderr, err := runLeadsCmd(t, getenv, "leads", "quiz", "-content", leadsContent, "-csv", "-since", "2026-11-01")
	if err != nil {
		t.Fatalf("got error %v (stderr %q), want none", err, stderr)
	}
	if !strings.Contains(stderr, "store: sqlite ") || !strings.Contains(stderr, "5 quiz results since 2026-11-01") {
		t.Errorf("got stderr %q, want the store and the count", stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("stdout is not CSV: %v\n%s", err, out)
	}
	want := [][]string{
		{"id", "created_at", "band", "overall", "alignment", "process", "leadership", "technology", "accountability",
			"email", "result_requested_at", "contact_consent_at", "may_contact"},
		{leadID('z'), "2026-11-20T15:00:00Z", "'=HYPERLINK(1)", "5", "5", "", "", "", "", "", "", "", ""},
		{leadID('f'), "2026-11-06T15:05:00Z", "outgrown", "80", "70", "0", "34", "60", "100", "'+1+1@example.com", "2026-11-06T15:06:00Z", "", "no"},
		{leadID('e'), "2026-11-05T22:45:00Z", "outgrown", "90", "60", "0", "33", "61", "100", "", "", "", ""},
		{leadID('d'), "2026-11-03T16:00:00Z", "gap", "70", "51", "11", "33", "41", "100", "dan@example.com", "2026-11-03T16:02:00Z", "2026-11-03T16:02:00Z", "yes"},
		{leadID('c'), "2026-11-01T05:30:00Z", "gap", "60", "50", "10", "33", "40", "99", "", "", "", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d:\n%s", len(rows), len(want), out)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d: got %q, want %q", i, rows[i], want[i])
		}
	}
}

func TestLeadsQuizUnknownBandInReport(t *testing.T) {
	getenv := leadsEnv(t)
	seedQuiz(t, getenv, store.QuizResult{Overall: 5, Band: "retired\x1b[31m", Dimensions: map[string]int{"alignment": 5}})
	out, _, err := runLeadsCmd(t, getenv, "leads", "quiz", "-content", leadsContent)
	if err != nil {
		t.Fatal(err)
	}
	reportLine(t, out, `  \(band no longer in quiz\.toml\) retired\?\[31m 1 100%`)
	reportLine(t, out, `  Process design process – from 0 of 1 results`)
	if strings.Contains(out, "\x1b") {
		t.Errorf("report passes an escape character through:\n%q", out)
	}
}

func TestLeadsSpreadsheetSafe(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"gap", "gap"},
		{"ann@example.com", "ann@example.com"},
		{"2026-11-01T05:30:00Z", "2026-11-01T05:30:00Z"},
		{"42", "42"},
		{"=1+1", "'=1+1"},
		{"+tag@example.com", "'+tag@example.com"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t'=1"},
		{"Acme;=1+1", "Acme;'=1+1"},
		{"Acme, -2+3", "Acme, '-2+3"},
		{"a|@SUM(A1)", "a|'@SUM(A1)"},
		{"x=1;y", "x=1;y"},
		{"\r=1", "'\r=1"},
		{"a=1", "a=1"},
		{"'=1", "'=1"},
	} {
		if got := spreadsheetSafe(tt.in); got != tt.want {
			t.Errorf("spreadsheetSafe(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestLeadsCSVQuotesSeparators: a cell holding any separator a
// spreadsheet may split on is quoted, so "Acme;=1+1" stays one cell (and
// its formula defused) in a semicolon locale too.
func TestLeadsCSVQuotesSeparators(t *testing.T) {
	var b strings.Builder
	cw := newCSVWriter(&b)
	if err := cw.write([]string{"Acme;=1+1", "plain", "tab\there", `say "hi"`, " padded", "a,b"}); err != nil {
		t.Fatal(err)
	}
	if err := cw.flush(); err != nil {
		t.Fatal(err)
	}
	want := "\"Acme;'=1+1\",plain,\"tab\there\",\"say \"\"hi\"\"\",\" padded\",\"a,b\"\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}

func TestLeadsSince(t *testing.T) {
	loc := chicago(t)
	now := time.Date(2026, time.November, 29, 8, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in      string
		want    time.Time // zero: all time
		wantErr bool
	}{
		{in: "", want: time.Time{}},
		{in: "2026-11-01", want: time.Date(2026, time.November, 1, 0, 0, 0, 0, loc)},
		{in: " 2026-02-28 ", want: time.Date(2026, time.February, 28, 0, 0, 0, 0, loc)},
		// Calendar days in the site's zone: the same wall-clock time
		// (02:00), across the end of daylight saving time on 1 November.
		{in: "30d", want: time.Date(2026, time.October, 30, 2, 0, 0, 0, loc)},
		{in: "1d", want: now.Add(-24 * time.Hour)},
		{in: "36525d", want: now.In(loc).AddDate(0, 0, -36525)},
		{in: "0d", wantErr: true},
		{in: "-3d", wantErr: true},
		{in: "+3d", wantErr: true},
		{in: "03d", wantErr: true},
		{in: "36526d", wantErr: true},
		{in: "99999999999999999999d", wantErr: true},
		{in: "d", wantErr: true},
		{in: "30", wantErr: true},
		{in: "72h", wantErr: true},
		{in: "2026-13-01", wantErr: true},
		{in: "2026-02-30", wantErr: true},
		{in: "11/01/2026", wantErr: true},
		{in: "2026-11-01T00:00:00Z", wantErr: true},
	} {
		var f sinceFlag
		var err error
		if tt.in != "" {
			err = f.Set(tt.in)
		}
		if tt.wantErr {
			if err == nil {
				t.Errorf("Set(%q): got no error, want one", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("Set(%q): got error %v, want none", tt.in, err)
			continue
		}
		if got := f.start(now, loc); !got.Equal(tt.want) {
			t.Errorf("Set(%q).start: got %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestLeadsUsage(t *testing.T) {
	getenv := leadsEnv(t)
	for _, tt := range []struct {
		name string
		args []string
		msg  string // in the usage error
		out  string // on stderr
	}{
		{"no subcommand", []string{"leads"}, "leads: no subcommand given", "usage: site leads <subcommand>"},
		{"unknown subcommand", []string{"leads", "nosuch"}, `leads: unknown subcommand "nosuch"`, "  quiz "},
		{"unknown flag", []string{"leads", "quiz", "-nosuch"}, "flag provided but not defined: -nosuch", "usage: site leads quiz"},
		{"stray argument", []string{"leads", "quiz", "extra"}, `unexpected argument "extra"`, ""},
		{"bad since", []string{"leads", "quiz", "-since", "yesterday"}, `invalid value "yesterday" for flag -since: want a date such as 2026-11-01`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runLeadsCmd(t, getenv, tt.args...)
			var u usageError
			if !errors.As(err, &u) {
				t.Fatalf("got error %v, want a usage error (exit status 2)", err)
			}
			if !strings.Contains(u.msg, tt.msg) {
				t.Errorf("got message %q, want it to contain %q", u.msg, tt.msg)
			}
			if !strings.Contains(stderr, tt.out) {
				t.Errorf("got stderr %q, want it to contain %q", stderr, tt.out)
			}
			if stdout != "" {
				t.Errorf("got stdout %q, want none", stdout)
			}
		})
	}
	// The usage lists quiz, and help goes to stdout.
	stdout, _, err := runLeadsCmd(t, getenv, "leads", "help")
	if err != nil || !strings.Contains(stdout, "  quiz ") {
		t.Errorf("site leads help: got %v and %q, want the subcommands and no error", err, stdout)
	}
	// The usage errors come before any store is opened.
	if _, err := os.Stat(filepath.Join(getenv("DATA_DIR"), "site.db")); err == nil {
		t.Error("a usage error created the store")
	}
}

func TestLeadsStoreUnavailable(t *testing.T) {
	t.Run("no sqlite file", func(t *testing.T) {
		getenv := leadsEnv(t)
		_, _, err := runLeadsCmd(t, getenv, "leads", "quiz", "-content", leadsContent)
		var u usageError
		if err == nil || errors.As(err, &u) {
			t.Fatalf("got %v, want an error with exit status 1", err)
		}
		if !strings.Contains(err.Error(), "leads: no store at ") {
			t.Errorf("got %q, want it to say there is no store", err)
		}
		if _, err := os.Stat(filepath.Join(getenv("DATA_DIR"), "site.db")); err == nil {
			t.Error("leads created an empty store")
		}
	})
	t.Run("not a database", func(t *testing.T) {
		getenv := leadsEnv(t)
		if err := os.WriteFile(filepath.Join(getenv("DATA_DIR"), "site.db"), bytes.Repeat([]byte("not a database\n"), 100), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := runLeadsCmd(t, getenv, "leads", "quiz", "-content", leadsContent)
		var u usageError
		if err == nil || errors.As(err, &u) {
			t.Fatalf("got %v, want an error with exit status 1", err)
		}
		if !strings.Contains(err.Error(), "leads: cannot open the store (sqlite ") {
			t.Errorf("got %q, want it to name the store", err)
		}
	})
	t.Run("postgres refuses", func(t *testing.T) {
		// Port 1 on the loopback refuses at once: no server needed.
		getenv := func(name string) string {
			if name == "DATABASE_URL" {
				return "postgres://leads:hunter2@127.0.0.1:1/site?connect_timeout=2"
			}
			return ""
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var stdout, stderr bytes.Buffer
		err := run(ctx, []string{"leads", "quiz", "-content", leadsContent}, getenv, strings.NewReader(""), &stdout, &stderr)
		var u usageError
		if err == nil || errors.As(err, &u) {
			t.Fatalf("got %v, want an error with exit status 1", err)
		}
		if !strings.Contains(err.Error(), "cannot open the store (postgres 127.0.0.1:1/site (DATABASE_URL))") {
			t.Errorf("got %q, want it to name the store", err)
		}
		if all := err.Error() + stdout.String() + stderr.String(); strings.Contains(all, "hunter2") {
			t.Errorf("the password is shown: %q", all)
		}
	})
}
