package quiz

import (
	"errors"
	"html/template"
	"slices"
	"strings"
	"testing"

	"github.com/cassidine/site/internal/content"
)

const testFile = "quiz.toml"

// base is a small valid quiz. Cases edit single lines of it, so the line
// numbers in their expected errors can be read off here.
const base = `title = "Quiz"
scale = ["Never", "Rarely", "Sometimes", "Often", "Always"]

[[dimensions]]
id = "alignment"
name = "Alignment"
advice = "Align."

[[dimensions]]
id = "process"
name = "Process"
advice = "Fix."

[[questions]]
id = "stall"
dimension = "alignment"
text = "Initiatives stall."

[[questions]]
id = "repeat"
dimension = "process"
text = "Same problems."

[[bands]]
id = "low"
min = 0
max = 49
headline = "Low"
advice = "Fine."

[[bands]]
id = "high"
min = 50
max = 100
headline = "High"
advice = "Act."
`

// edit returns src with each old line replaced by its new text, in
// pairs: edit(t, src, old1, new1, old2, new2, ...). Each old must occur
// exactly once, so a case cannot silently stop testing what it says.
func edit(t testing.TB, src string, pairs ...string) string {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		old := pairs[i] + "\n"
		if n := strings.Count(src, old); n != 1 {
			t.Fatalf("edit: %q occurs %d times in the source, want 1", pairs[i], n)
		}
		src = strings.Replace(src, old, pairs[i+1]+"\n", 1)
	}
	return src
}

func mustParse(t testing.TB, src string) *Quiz {
	t.Helper()
	q, err := Parse(testFile, []byte(src))
	if err != nil {
		t.Fatalf("Parse: unexpected error:\n%v", err)
	}
	return q
}

// errorLines returns err as one line per error, checking that each is a
// *content.Error naming testFile.
func errorLines(t testing.TB, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var list content.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error is a %T, want content.ErrorList: %v", err, err)
	}
	var lines []string
	for _, e := range list {
		var ce *content.Error
		if !errors.As(e, &ce) {
			t.Errorf("error %q is a %T, want *content.Error", e, e)
		} else if ce.File != testFile || ce.Line < 1 {
			t.Errorf("error %q: got file %q line %d, want %q and a line", e, ce.File, ce.Line, testFile)
		}
		lines = append(lines, e.Error())
	}
	return lines
}

func TestParseValid(t *testing.T) {
	q := mustParse(t, base)
	if q.Title != "Quiz" || q.File != testFile {
		t.Errorf("Title, File: got %q, %q, want %q, %q", q.Title, q.File, "Quiz", testFile)
	}
	if want := []string{"Never", "Rarely", "Sometimes", "Often", "Always"}; !slices.Equal(q.Scale, want) {
		t.Errorf("Scale: got %q, want %q", q.Scale, want)
	}
	wantDims := []Dimension{
		{ID: "alignment", Name: "Alignment", Advice: "<p>Align.</p>\n"},
		{ID: "process", Name: "Process", Advice: "<p>Fix.</p>\n"},
	}
	if !slices.Equal(q.Dimensions, wantDims) {
		t.Errorf("Dimensions:\ngot  %+v\nwant %+v", q.Dimensions, wantDims)
	}
	wantQs := []Question{
		{ID: "stall", Dimension: "alignment", Text: "Initiatives stall."},
		{ID: "repeat", Dimension: "process", Text: "Same problems."},
	}
	if !slices.Equal(q.Questions, wantQs) {
		t.Errorf("Questions:\ngot  %+v\nwant %+v", q.Questions, wantQs)
	}
	if len(q.Bands) != 2 {
		t.Fatalf("Bands: got %d, want 2", len(q.Bands))
	}
	if b := q.Bands[1]; b.ID != "high" || b.Min != 50 || b.Max != 100 || b.Headline != "High" || b.Advice != "<p>Act.</p>\n" {
		t.Errorf("Bands[1]: got %+v, want high, 50–100, High, <p>Act.</p>", b)
	}
}

func TestParseMarkdown(t *testing.T) {
	q := mustParse(t, edit(t, base,
		`title = "Quiz"`, "title = \"Quiz\"\nintro = \"\"\"\nRead *each* statement.\n\nThen \"answer\".\n\"\"\"",
	))
	want := template.HTML("<p>Read <em>each</em> statement.</p>\n<p>Then &ldquo;answer&rdquo;.</p>\n")
	if q.Intro != want {
		t.Errorf("Intro: got %q, want %q", q.Intro, want)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pairs []string // edits of base
		src   string   // instead of base, when set
		want  []string // the error lines; a trailing "..." matches any rest
	}{
		{
			name:  "syntax error",
			pairs: []string{`name = "Process"`, `name = "Process`},
			want:  []string{"quiz.toml:11: toml: ..."},
		},
		{
			name:  "type error",
			pairs: []string{`min = 50`, `min = "fifty"`},
			want:  []string{`quiz.toml:33: bands.min must be a whole number, not a TOML string`},
		},
		{
			name:  "list where a string is needed",
			pairs: []string{`title = "Quiz"`, `title = ["Quiz"]`},
			want:  []string{`quiz.toml:1: title must be a string, not a TOML array`},
		},
		{
			name:  "string where a list is needed",
			pairs: []string{`advice = "Act."`, "advice = \"Act.\"\narticles = \"/services/\""},
			want:  []string{`quiz.toml:37: bands.articles must be a list of strings, not a TOML string`},
		},
		{
			name:  "unknown key",
			pairs: []string{`text = "Same problems."`, `txt = "Same problems."`},
			want: []string{
				`quiz.toml:19: text is required`, // the question's header: it has no text key
				`quiz.toml:22: unknown key "questions.txt"`,
			},
		},
		{
			name:  "duplicate question id",
			pairs: []string{`id = "repeat"`, `id = "stall"`},
			want:  []string{`quiz.toml:20: duplicate question id "stall" (first at line 15)`},
		},
		{
			name:  "duplicate dimension id",
			pairs: []string{`id = "process"`, `id = "alignment"`},
			want: []string{
				`quiz.toml:10: duplicate dimension id "alignment" (first at line 5)`,
				`quiz.toml:21: unknown dimension "process" (want one of alignment)`,
			},
		},
		{
			name:  "duplicate band id",
			pairs: []string{`id = "high"`, `id = "low"`},
			want:  []string{`quiz.toml:32: duplicate band id "low" (first at line 25)`},
		},
		{
			name:  "malformed id",
			pairs: []string{`id = "stall"`, `id = "Stall it"`},
			want:  []string{`quiz.toml:15: question id "Stall it" must be lower-case letters, digits and hyphens, such as "tech-results"`},
		},
		{
			name:  "missing id",
			pairs: []string{`id = "stall"`, `id = ""`},
			want:  []string{`quiz.toml:15: question 1: id is required`},
		},
		{
			name:  "unknown dimension",
			pairs: []string{`dimension = "process"`, `dimension = "proces"`},
			want: []string{
				`quiz.toml:10: dimension "process" has no questions`,
				`quiz.toml:21: unknown dimension "proces" (want one of alignment, process)`,
			},
		},
		{
			name:  "missing dimension",
			pairs: []string{`dimension = "process"`, ``},
			want: []string{
				`quiz.toml:10: dimension "process" has no questions`,
				`quiz.toml:19: dimension is required`,
			},
		},
		{
			name:  "dimension without questions",
			pairs: []string{`dimension = "process"`, `dimension = "alignment"`},
			want:  []string{`quiz.toml:10: dimension "process" has no questions`},
		},
		{
			name:  "one scale label",
			pairs: []string{`scale = ["Never", "Rarely", "Sometimes", "Often", "Always"]`, `scale = ["Never"]`},
			want:  []string{`quiz.toml:2: scale needs 5 labels, least to most frequent (Never, Rarely, Sometimes, Often, Always); it has 1`},
		},
		{
			name:  "four scale labels",
			pairs: []string{`scale = ["Never", "Rarely", "Sometimes", "Often", "Always"]`, `scale = ["Never", "Rarely", "Often", "Always"]`},
			want:  []string{`quiz.toml:2: scale needs 5 labels, least to most frequent (Never, Rarely, Sometimes, Often, Always); it has 4`},
		},
		{
			name: "eight scale labels",
			pairs: []string{`scale = ["Never", "Rarely", "Sometimes", "Often", "Always"]`,
				`scale = ["1", "2", "3", "4", "5", "6", "7", "8"]`},
			want: []string{`quiz.toml:2: scale needs 5 labels, least to most frequent (Never, Rarely, Sometimes, Often, Always); it has 8`},
		},
		{
			name: "empty scale label",
			pairs: []string{`scale = ["Never", "Rarely", "Sometimes", "Often", "Always"]`,
				"scale = [\n  \"Never\",\n  \"Rarely\",\n  \" \",\n  \"Often\",\n  \"Always\",\n]"},
			want: []string{`quiz.toml:5: scale label 3 is empty`},
		},
		{
			name:  "gap between bands",
			pairs: []string{`min = 50`, `min = 60`},
			want:  []string{`quiz.toml:33: band "high": no band covers 50–59`},
		},
		{
			name:  "overlapping bands",
			pairs: []string{`min = 50`, `min = 40`},
			want:  []string{`quiz.toml:33: band "high" (40–100) overlaps band "low" (0–49)`},
		},
		{
			name:  "bands start above 0",
			pairs: []string{`min = 0`, `min = 1`},
			want:  []string{`quiz.toml:26: band "low": no band covers 0`},
		},
		{
			name:  "bands end below 100",
			pairs: []string{`max = 100`, `max = 90`},
			want:  []string{`quiz.toml:34: band "high": no band covers 91–100`},
		},
		{
			name:  "min above max",
			pairs: []string{`min = 50`, `min = 100`, `max = 100`, `max = 60`},
			want:  []string{`quiz.toml:33: band "high": min 100 is greater than max 60`},
		},
		{
			name:  "max above 100",
			pairs: []string{`max = 100`, `max = 120`},
			want:  []string{`quiz.toml:34: band "high": max 120 is outside 0 to 100`},
		},
		{
			name:  "negative min",
			pairs: []string{`min = 0`, `min = -5`},
			want:  []string{`quiz.toml:26: band "low": min -5 is outside 0 to 100`},
		},
		{
			name:  "article not a site path",
			pairs: []string{`advice = "Act."`, "advice = \"Act.\"\narticles = [\"https://example.com/\"]"},
			want:  []string{`quiz.toml:37: band "high": article "https://example.com/" must be a site path such as /articles/what-is-a-fractional-coo/`},
		},
		{
			name:  "empty text",
			pairs: []string{`text = "Same problems."`, `text = "  "`},
			want:  []string{`quiz.toml:22: text is required`},
		},
		{
			name:  "empty headline",
			pairs: []string{`headline = "High"`, `headline = ""`},
			want:  []string{`quiz.toml:35: headline is required`},
		},
		{
			name:  "empty name and advice",
			pairs: []string{`name = "Process"`, `name = ""`, `advice = "Fix."`, `advice = ""`},
			want: []string{
				`quiz.toml:11: name is required`,
				`quiz.toml:12: advice is required`,
			},
		},
		{
			name: "empty file",
			src:  "# nothing yet\n",
			want: []string{
				`quiz.toml:1: title is required`,
				`quiz.toml:1: scale needs 5 labels, least to most frequent (Never, Rarely, Sometimes, Often, Always); it has 0`,
				`quiz.toml:1: no [[dimensions]]: the quiz needs at least one`,
				`quiz.toml:1: no [[questions]]: the quiz needs at least one`,
				`quiz.toml:1: no [[bands]]: the quiz needs bands covering 0 to 100`,
			},
		},
		{
			name: "every problem at once",
			pairs: []string{
				`title = "Quiz"`, `title = ""`,
				`scale = ["Never", "Rarely", "Sometimes", "Often", "Always"]`, `scale = ["Never", "Always"]`,
				`name = "Alignment"`, `nmae = "Alignment"`,
				`id = "repeat"`, `id = "stall"`,
				`dimension = "process"`, `dimension = "people"`,
				`text = "Same problems."`, `text = ""`,
				`max = 49`, `max = 44`,
				`headline = "High"`, `headline = " "`,
			},
			want: []string{
				`quiz.toml:1: title is required`,
				`quiz.toml:2: scale needs 5 labels, least to most frequent (Never, Rarely, Sometimes, Often, Always); it has 2`,
				`quiz.toml:4: name is required`,
				`quiz.toml:6: unknown key "dimensions.nmae"`,
				`quiz.toml:10: dimension "process" has no questions`,
				`quiz.toml:20: duplicate question id "stall" (first at line 15)`,
				`quiz.toml:21: unknown dimension "people" (want one of alignment, process)`,
				`quiz.toml:22: text is required`,
				`quiz.toml:33: band "high": no band covers 45–49`,
				`quiz.toml:35: headline is required`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.src
			if src == "" {
				src = edit(t, base, tc.pairs...)
			}
			q, err := Parse(testFile, []byte(src))
			if err == nil {
				t.Fatalf("Parse: got no error, want:\n%s", strings.Join(tc.want, "\n"))
			}
			got := errorLines(t, err)
			if !matchLines(got, tc.want) {
				t.Errorf("Parse errors:\ngot:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if q != nil {
				t.Errorf("Parse with errors: got a quiz, want nil")
			}
		})
	}
}

// matchLines reports whether got matches want line for line, where a
// want ending in "..." matches any line it is a prefix of.
func matchLines(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i, w := range want {
		if p, ok := strings.CutSuffix(w, "..."); ok {
			if !strings.HasPrefix(got[i], p) {
				return false
			}
		} else if got[i] != w {
			return false
		}
	}
	return true
}

func TestCheckLinks(t *testing.T) {
	src := edit(t, base,
		`advice = "Align."`, "advice = \"\"\"\nSee [services](/services/).\n\nOr [the article](/articles/gone/#why) and [elsewhere](https://example.com/).\n\"\"\"",
		`advice = "Act."`, "advice = \"Act.\"\narticles = [\n  \"/articles/what-is-a-fractional-coo/#when\",\n  \"/articles/missing/\",\n]",
	)
	// The source is now:
	//   7  advice = """
	//   8  See [services](/services/).
	//   9
	//  10  Or [the article](/articles/gone/#why) and [elsewhere](https://example.com/).
	//  ...
	//  41  articles = [
	//  42    "/articles/what-is-a-fractional-coo/#when",
	//  43    "/articles/missing/",
	q := mustParse(t, src)
	pages := map[string]bool{"/services/": true, "/articles/what-is-a-fractional-coo/": true}
	var asked []string
	err := q.CheckLinks(func(path string) bool {
		asked = append(asked, path)
		return pages[path]
	})
	want := []string{
		`quiz.toml:10: link "/articles/gone/#why": no such page`,
		`quiz.toml:43: band "high": article "/articles/missing/": no such page`,
	}
	if got := errorLines(t, err); !slices.Equal(got, want) {
		t.Errorf("CheckLinks:\ngot:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	slices.Sort(asked)
	wantAsked := []string{"/articles/gone/", "/articles/missing/", "/articles/what-is-a-fractional-coo/", "/services/"}
	if !slices.Equal(asked, wantAsked) {
		t.Errorf("CheckLinks asked about:\ngot  %q\nwant %q", asked, wantAsked)
	}
	if err := q.CheckLinks(func(string) bool { return true }); err != nil {
		t.Errorf("CheckLinks with every page: got %v, want nil", err)
	}
}
