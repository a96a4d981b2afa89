package quiz

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// FuzzValidateScore submits arbitrary forms to the real quiz. A form is
// written "id=value&id=value"; Validate and Score must never panic, and
// what they return must make sense whatever was sent.
func FuzzValidateScore(f *testing.F) {
	q := realQuiz(f)
	var all []string
	for _, qu := range q.Questions {
		all = append(all, qu.ID+"=3")
	}
	for _, seed := range []string{
		"",
		strings.Join(all, "&"),
		"stall=4&fires=2&ceo=0",
		"stall=5&fires=-1&traction=x&capacity=2.5&repeat=&customer= 1 ",
		"stall=4&stall=0&unknown=4&=&&=3",
		"stall=99999999999999999999&fires=0x3&ceo=\x00&ownership=٣",
		"stall=+4&fires=04&tech-results=1e0",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, form string) {
		in := map[string]string{}
		raw := Answers{} // the same values, unchecked, for Score
		for _, pair := range strings.Split(form, "&") {
			k, v, _ := strings.Cut(pair, "=")
			in[k] = v
			n, _ := strconv.Atoi(v)
			raw[k] = n
		}
		a, errs := q.Validate(in)
		for id, v := range a {
			if v < 0 || v > top {
				t.Errorf("Validate accepted %s=%d, off the scale", id, v)
			}
		}
		if len(errs) == 0 && len(a) != len(q.Questions) {
			t.Errorf("Validate: no errors but %d of %d answers", len(a), len(q.Questions))
		}
		for _, e := range errs {
			if _, sent := in[e.Question]; !sent && !slices.ContainsFunc(q.Questions, func(qu Question) bool { return qu.ID == e.Question }) {
				t.Errorf("FieldError for a field neither sent nor asked: %+v", e)
			}
			if _, ok := a[e.Question]; ok {
				t.Errorf("FieldError for an accepted answer: %+v", e)
			}
			if e.Message == "" {
				t.Errorf("FieldError without a message: %+v", e)
			}
		}
		checkResult(t, q, q.Score(a), len(errs) == 0)
		checkResult(t, q, q.Score(raw), true)
	})
}

// checkResult checks the invariants of any Result of q.
func checkResult(t *testing.T, q *Quiz, r Result, wantBand bool) {
	t.Helper()
	if r.Score < 0 || r.Score > 100 {
		t.Errorf("Score %d is outside 0 to 100", r.Score)
	}
	if wantBand && r.Band == nil {
		t.Errorf("Band is nil for score %d", r.Score)
	}
	if r.Band != nil && (r.Score < r.Band.Min || r.Score > r.Band.Max) {
		t.Errorf("score %d is outside its band %s (%d–%d)", r.Score, r.Band.ID, r.Band.Min, r.Band.Max)
	}
	if len(r.Dimensions) != len(q.Dimensions) {
		t.Errorf("got %d dimension scores, want %d", len(r.Dimensions), len(q.Dimensions))
	}
	for _, d := range r.Dimensions {
		if d.Score < 0 || d.Score > 100 {
			t.Errorf("dimension %s: score %d is outside 0 to 100", d.ID, d.Score)
		}
	}
	if len(r.Weakest) != min(WeakestCount, len(q.Dimensions)) {
		t.Errorf("got %d weakest, want %d", len(r.Weakest), min(WeakestCount, len(q.Dimensions)))
	}
	for i := 1; i < len(r.Weakest); i++ {
		if r.Weakest[i].Score > r.Weakest[i-1].Score {
			t.Errorf("weakest out of order: %+v", r.Weakest)
		}
	}
	for _, w := range r.Weakest {
		for _, d := range r.Dimensions {
			if d.Score > w.Score && !slices.ContainsFunc(r.Weakest, func(w DimensionScore) bool { return w.ID == d.ID }) {
				t.Errorf("dimension %s (%d) scores above weakest %s (%d)", d.ID, d.Score, w.ID, w.Score)
			}
		}
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("Result does not encode: %v", err)
	}
	if !strings.HasPrefix(string(Chart(r)), "<svg ") {
		t.Errorf("Chart did not draw")
	}
}

// FuzzParse checks that Parse never panics, that each of its errors
// names a line of the file, and that a quiz it accepts can be scored.
func FuzzParse(f *testing.F) {
	f.Add(base)
	f.Add(edit(f, base, `min = 50`, `min = 40`, `id = "repeat"`, `id = "stall"`))
	f.Add("scale = [\n\"a\",\n[1],\n]\n[[questions]]\n[[questions]]\nid = '''\nx'''\n")
	f.Fuzz(func(t *testing.T, src string) {
		q, err := Parse(testFile, []byte(src))
		if err != nil {
			last := strings.Count(src, "\n") + 1
			for _, line := range errorLines(t, err) {
				_, rest, _ := strings.Cut(line, ":")
				n, _, _ := strings.Cut(rest, ":")
				if i, aerr := strconv.Atoi(n); aerr != nil || i < 1 || i > last {
					t.Errorf("error %q: line outside 1 to %d", line, last)
				}
			}
			return
		}
		a := Answers{}
		for _, qu := range q.Questions {
			a[qu.ID] = top
		}
		checkResult(t, q, q.Score(a), true)
	})
}
