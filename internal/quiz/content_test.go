package quiz

import (
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
)

const contentDir = "../../content"

// realQuiz parses the site's content/quiz.toml.
func realQuiz(t testing.TB) *Quiz {
	t.Helper()
	src, err := os.ReadFile(path.Join(contentDir, File))
	if err != nil {
		t.Fatal(err)
	}
	q, err := Parse("content/"+File, src)
	if err != nil {
		t.Fatalf("content/%s:\n%v", File, err)
	}
	return q
}

// TestContent checks the consultant's file: it parses, and it keeps the
// shape the pages and the explainer article assume.
func TestContent(t *testing.T) {
	q := realQuiz(t)
	var dims []string
	for _, d := range q.Dimensions {
		dims = append(dims, d.ID)
	}
	if want := []string{"alignment", "process", "leadership", "technology", "accountability"}; !slices.Equal(dims, want) {
		t.Errorf("dimensions: got %v, want %v (the explainer's five areas)", dims, want)
	}
	if n := len(q.Questions); n < 12 || n > 16 {
		t.Errorf("questions: got %d, want 12 to 16", n)
	}
	for _, d := range q.Dimensions {
		n := 0
		for _, qu := range q.Questions {
			if qu.Dimension == d.ID {
				n++
			}
		}
		if n < 2 {
			t.Errorf("dimension %q: got %d questions, want at least 2", d.ID, n)
		}
	}
	for _, qu := range q.Questions {
		if !strings.HasSuffix(qu.Text, ".") {
			t.Errorf("question %q: %q should be a sentence ending in a full stop", qu.ID, qu.Text)
		}
	}
	if want := []string{"Never", "Rarely", "Sometimes", "Often", "Always"}; !slices.Equal(q.Scale, want) {
		t.Errorf("scale: got %q, want %q", q.Scale, want)
	}
	if len(q.Bands) != 4 {
		t.Errorf("bands: got %d, want 4", len(q.Bands))
	}
	if q.Intro == "" {
		t.Errorf("intro is empty")
	}
}

// TestContentLinks checks the quiz's links against the pages of the
// content folder, mapped to URLs the way the site serves them.
func TestContentLinks(t *testing.T) {
	q := realQuiz(t)
	// The home page, and the pages the builder generates rather than reads.
	pages := map[string]bool{"/": true, "/quiz/": true, "/book/": true}
	err := fs.WalkDir(os.DirFS(contentDir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." {
				pages["/"+p+"/"] = true // a section's list page
			}
			return nil
		}
		if name, ok := strings.CutSuffix(p, ".md"); ok && !strings.HasSuffix(name, "_index") {
			pages["/"+name+"/"] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.CheckLinks(func(p string) bool { return pages[p] }); err != nil {
		t.Errorf("CheckLinks:\n%v", err)
	}
}

// TestContentScores runs the real quiz through the answers a visitor
// can give the same way, end to end.
func TestContentScores(t *testing.T) {
	q := realQuiz(t)
	for v, want := range []string{"built", "strain", "gap", "outgrown", "outgrown"} {
		form := map[string]string{}
		for _, qu := range q.Questions {
			form[qu.ID] = string(rune('0' + v))
		}
		a, errs := q.Validate(form)
		if len(errs) != 0 {
			t.Fatalf("every answer %d: got errors %v", v, errs)
		}
		r := q.Score(a)
		if r.Score != v*25 || r.Band == nil || r.Band.ID != want {
			t.Errorf("every answer %d: got score %d in %+v, want %d in %q", v, r.Score, r.Band, v*25, want)
		}
		if len(r.Weakest) != WeakestCount || r.Weakest[0].Advice == "" {
			t.Errorf("every answer %d: got weakest %+v, want two with advice", v, r.Weakest)
		}
	}
}
