package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestFormFieldStyles checks that every text field of the booking form
// gets the site's field style, as the email field does: the stylesheet
// styles input[type=text], so a field whose type attribute went missing
// falls back to the browser's tiny default.
func TestFormFieldStyles(t *testing.T) {
	t.Parallel()
	srv := startServe(t, newSite(t))
	b := newBrowser(t, srv.Origin, desktop)
	type field struct {
		Sel, Type, Padding, Border, Font string
		Height                           float64
	}
	// /book/ is the built page, /api/book the function's.
	for _, page := range []string{"/book/", "/api/book"} {
		b.open(page)
		fields := eval[[]field](b, `[...document.querySelectorAll("#f-name, #f-email, #f-company, #f-role, #f-size, #f-message")].map(el => {
			const cs = getComputedStyle(el);
			return {sel: "#" + el.id, type: el.getAttribute("type") || "(no type attribute)", padding: cs.padding, border: cs.borderTop, font: cs.fontSize, height: el.getBoundingClientRect().height};
		})`)
		if len(fields) != 6 {
			t.Fatalf("%s: got %d of the 6 fields: %+v", page, len(fields), fields)
		}
		var want field
		for _, f := range fields {
			if f.Sel == "#f-email" {
				want = f
			}
		}
		for _, f := range fields {
			if f.Padding != want.Padding || f.Border != want.Border || f.Font != want.Font {
				t.Errorf("%s: %s (type %s): padding %s, border %s, font %s; want the field style of #f-email: padding %s, border %s, font %s (height %.0f vs %.0f px)",
					page, f.Sel, f.Type, f.Padding, f.Border, f.Font, want.Padding, want.Border, want.Font, f.Height, want.Height)
			}
		}
	}
}

// TestCSSCustomProperties checks that every var(--name) the stylesheet uses
// without a fallback is defined: an undefined one makes the declaration
// invalid at computed-value time, silently (a background turns
// transparent, a radius square).
func TestCSSCustomProperties(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join(repoRoot, "static", "css", "*.css"))
	if len(files) == 0 {
		t.Fatal("no stylesheets in static/css")
	}
	defRE := regexp.MustCompile(`(--[A-Za-z0-9_-]+)\s*:`)
	useRE := regexp.MustCompile(`var\(\s*(--[A-Za-z0-9_-]+)\s*\)`) // no fallback
	defined := map[string]bool{}
	uses := map[string][]string{} // name → file:line
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(repoRoot, f)
		for i, line := range strings.Split(string(data), "\n") {
			for _, m := range defRE.FindAllStringSubmatch(line, -1) {
				defined[m[1]] = true
			}
			for _, m := range useRE.FindAllStringSubmatch(line, -1) {
				uses[m[1]] = append(uses[m[1]], rel+":"+strconv.Itoa(i+1))
			}
		}
	}
	var names []string
	for n := range uses {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !defined[n] {
			t.Errorf("var(%s) is used without a fallback but never defined, at %s", n, strings.Join(uses[n], ", "))
		}
	}
}
