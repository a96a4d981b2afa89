package quiz

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The bands of content/quiz.toml, which the scoring tests use so that
// their boundaries are the real ones.
const testBands = `
[[bands]]
id = "built"
min = 0
max = 24
headline = "Built to deliver"
advice = "Keep it."
articles = ["/articles/what-is-a-fractional-coo/"]

[[bands]]
id = "strain"
min = 25
max = 49
headline = "Early strain"
advice = "Act early."

[[bands]]
id = "gap"
min = 50
max = 74
headline = "A widening gap"
advice = "Redesign."

[[bands]]
id = "outgrown"
min = 75
max = 100
headline = "Outgrown operating model"
advice = "Rebuild."
`

// genQuiz parses a quiz with dimensions d0, d1, ... where dimension i
// has perDim[i] questions, named "d<i>-q<j>", and testBands.
func genQuiz(t testing.TB, perDim ...int) *Quiz {
	t.Helper()
	var b strings.Builder
	b.WriteString("title = \"Test\"\nscale = [\"Never\", \"Rarely\", \"Sometimes\", \"Often\", \"Always\"]\n")
	for i := range perDim {
		fmt.Fprintf(&b, "\n[[dimensions]]\nid = \"d%d\"\nname = \"Dimension %d\"\nadvice = \"Advice %d.\"\n", i, i, i)
	}
	for i, n := range perDim {
		for j := range n {
			fmt.Fprintf(&b, "\n[[questions]]\nid = \"d%d-q%d\"\ndimension = \"d%d\"\ntext = \"Statement %d.%d.\"\n", i, j, i, i, j)
		}
	}
	b.WriteString(testBands)
	return mustParse(t, b.String())
}

// fill returns answers worth sum in total, given to the questions in
// order, each as high as it goes.
func fill(q *Quiz, sum int) Answers {
	a := Answers{}
	for _, qu := range q.Questions {
		v := min(sum, top)
		a[qu.ID] = v
		sum -= v
	}
	return a
}

// each returns answers giving every question of dimension i the value
// vals[i].
func each(q *Quiz, vals ...int) Answers {
	a := Answers{}
	for _, qu := range q.Questions {
		i := slices.IndexFunc(q.Dimensions, func(d Dimension) bool { return d.ID == qu.Dimension })
		a[qu.ID] = vals[i]
	}
	return a
}

func scores(r Result) []int {
	var s []int
	for _, d := range r.Dimensions {
		s = append(s, d.Score)
	}
	return s
}

func ids(ds []DimensionScore) []string {
	var s []string
	for _, d := range ds {
		s = append(s, d.ID)
	}
	return s
}

func TestScore(t *testing.T) {
	// Five dimensions of five statements: 100 points, so the overall
	// score is the sum of the answers and every band boundary is
	// reachable exactly.
	q := genQuiz(t, 5, 5, 5, 5, 5)
	for _, tc := range []struct {
		name    string
		answers Answers
		score   int
		band    string
		dims    []int
		weakest []string
	}{
		{"all lowest", each(q, 0, 0, 0, 0, 0), 0, "built", []int{0, 0, 0, 0, 0}, []string{"d0", "d1"}},
		{"all highest", each(q, 4, 4, 4, 4, 4), 100, "outgrown", []int{100, 100, 100, 100, 100}, []string{"d0", "d1"}},
		{"top of first band", fill(q, 24), 24, "built", []int{100, 20, 0, 0, 0}, []string{"d0", "d1"}},
		{"bottom of second band", fill(q, 25), 25, "strain", []int{100, 25, 0, 0, 0}, []string{"d0", "d1"}},
		{"top of second band", fill(q, 49), 49, "strain", []int{100, 100, 45, 0, 0}, []string{"d0", "d1"}},
		{"bottom of third band", fill(q, 50), 50, "gap", []int{100, 100, 50, 0, 0}, []string{"d0", "d1"}},
		{"top of third band", fill(q, 74), 74, "gap", []int{100, 100, 100, 70, 0}, []string{"d0", "d1"}},
		{"bottom of last band", fill(q, 75), 75, "outgrown", []int{100, 100, 100, 75, 0}, []string{"d0", "d1"}},
		{"middle of the scale", each(q, 2, 2, 2, 2, 2), 50, "gap", []int{50, 50, 50, 50, 50}, []string{"d0", "d1"}},
		{"highest first", each(q, 1, 3, 0, 4, 2), 50, "gap", []int{25, 75, 0, 100, 50}, []string{"d3", "d1"}},
		{"tie for highest goes to the first listed", each(q, 1, 3, 0, 3, 3), 50, "gap", []int{25, 75, 0, 75, 75}, []string{"d1", "d3"}},
		{"tie for second goes to the first listed", each(q, 2, 1, 4, 2, 2), 55, "gap", []int{50, 25, 100, 50, 50}, []string{"d2", "d0"}},
		{"all tied", each(q, 3, 3, 3, 3, 3), 75, "outgrown", []int{75, 75, 75, 75, 75}, []string{"d0", "d1"}},
		{"tie at the bottom", each(q, 0, 0, 0, 1, 0), 5, "built", []int{0, 0, 0, 25, 0}, []string{"d3", "d0"}},
		// Score takes what Validate would reject without panicking.
		{"missing answers count as 0", Answers{"d4-q0": 4}, 4, "built", []int{0, 0, 0, 0, 20}, []string{"d4", "d0"}},
		{"values off the scale are clamped", Answers{"d0-q0": 99, "d1-q0": -7, "nope": 4}, 4, "built", []int{20, 0, 0, 0, 0}, []string{"d0", "d1"}},
		{"no answers", nil, 0, "built", []int{0, 0, 0, 0, 0}, []string{"d0", "d1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := q.Score(tc.answers)
			if r.Score != tc.score {
				t.Errorf("Score: got %d, want %d", r.Score, tc.score)
			}
			if r.Band == nil || r.Band.ID != tc.band {
				t.Errorf("Band: got %+v, want %q", r.Band, tc.band)
			}
			if got := scores(r); !slices.Equal(got, tc.dims) {
				t.Errorf("dimension scores: got %v, want %v", got, tc.dims)
			}
			if got := ids(r.Weakest); !slices.Equal(got, tc.weakest) {
				t.Errorf("Weakest: got %v, want %v", got, tc.weakest)
			}
		})
	}
}

func TestScoreCarriesThePage(t *testing.T) {
	q := genQuiz(t, 2, 1)
	r := q.Score(Answers{"d0-q0": 4, "d0-q1": 3, "d1-q0": 1})
	want := Result{
		Score: 67, // 8 of 12
		Band: &Band{ID: "gap", Min: 50, Max: 74, Headline: "A widening gap",
			Advice: "<p>Redesign.</p>\n", Articles: []string{}},
		Dimensions: []DimensionScore{
			{ID: "d0", Name: "Dimension 0", Score: 88, Advice: "<p>Advice 0.</p>\n"}, // 7 of 8: 87.5
			{ID: "d1", Name: "Dimension 1", Score: 25, Advice: "<p>Advice 1.</p>\n"},
		},
	}
	want.Weakest = want.Dimensions
	gotJSON, wantJSON := mustJSON(t, r), mustJSON(t, want)
	if gotJSON != wantJSON {
		t.Errorf("Result:\ngot  %s\nwant %s", gotJSON, wantJSON)
	}
	// The Result is stored, so it is a copy: changing it leaves the quiz alone.
	r.Band.Headline = "changed"
	r.Dimensions[0].Name = "changed"
	if q.Bands[2].Headline != "A widening gap" || q.Dimensions[0].Name != "Dimension 0" {
		t.Errorf("changing a Result changed the quiz")
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestResultJSON(t *testing.T) {
	q := genQuiz(t, 1)
	r := q.Score(Answers{"d0-q0": 4})
	got := mustJSON(t, r)
	want := `{"score":100,"band":{"id":"outgrown","min":75,"max":100,"headline":"Outgrown operating model","advice":"\u003cp\u003eRebuild.\u003c/p\u003e\n","articles":[]},` +
		`"dimensions":[{"id":"d0","name":"Dimension 0","score":100,"advice":"\u003cp\u003eAdvice 0.\u003c/p\u003e\n"}],` +
		`"weakest":[{"id":"d0","name":"Dimension 0","score":100,"advice":"\u003cp\u003eAdvice 0.\u003c/p\u003e\n"}]}`
	if got != want {
		t.Errorf("JSON:\ngot  %s\nwant %s", got, want)
	}
	var back Result
	if err := json.Unmarshal([]byte(got), &back); err != nil {
		t.Fatal(err)
	}
	if again := mustJSON(t, back); again != got {
		t.Errorf("JSON round trip:\ngot  %s\nwant %s", again, got)
	}
}

// TestScoreRounding checks the rounding of scores that are not whole
// percentages, through Score, with statement counts whose points do
// not divide 100.
func TestScoreRounding(t *testing.T) {
	for _, tc := range []struct {
		perDim []int
		sum    int // given to the first questions, as fill does
		want   int
	}{
		{[]int{2}, 1, 13},   // 1/8 = 12.5: half rounds up
		{[]int{2}, 3, 38},   // 37.5
		{[]int{2}, 7, 88},   // 87.5
		{[]int{3}, 1, 8},    // 1/12 = 8.33
		{[]int{3}, 5, 42},   // 41.67
		{[]int{3}, 11, 92},  // 91.67
		{[]int{15}, 14, 23}, // 23.33: the real quiz's 15 statements cannot score 24
		{[]int{15}, 15, 25},
		{[]int{15}, 29, 48}, // 48.33
		{[]int{15}, 30, 50},
		{[]int{15}, 44, 73}, // 73.33
		{[]int{15}, 45, 75},
		{[]int{16}, 6, 9},   // 6/64 = 9.375
		{[]int{16}, 10, 16}, // 15.625
		{[]int{16}, 56, 88}, // 87.5
	} {
		q := genQuiz(t, tc.perDim...)
		r := q.Score(fill(q, tc.sum))
		if r.Score != tc.want || r.Dimensions[0].Score != tc.want {
			t.Errorf("%d statements, %d points: got %d overall and %d for the dimension, want %d",
				len(q.Questions), tc.sum, r.Score, r.Dimensions[0].Score, tc.want)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, tc := range []struct{ sum, most, want int }{
		{0, 60, 0},
		{60, 60, 100},
		{1, 8, 13},
		{1, 200, 1},     // 0.5
		{1, 201, 0},     // 0.4975
		{199, 200, 100}, // 99.5
		{397, 400, 99},  // 99.25
		{0, 0, 0},
		{5, 0, 0},
	} {
		if got := Percent(tc.sum, tc.most); got != tc.want {
			t.Errorf("Percent(%d, %d): got %d, want %d", tc.sum, tc.most, got, tc.want)
		}
	}
}

func TestMean(t *testing.T) {
	for _, tc := range []struct{ sum, n, want int }{
		{0, 3, 0},
		{100, 2, 50},
		{101, 2, 51}, // 50.5
		{100, 3, 33}, // 33.3
		{200, 3, 67}, // 66.7
		{5, 0, 0},
	} {
		if got := Mean(tc.sum, tc.n); got != tc.want {
			t.Errorf("Mean(%d, %d): got %d, want %d", tc.sum, tc.n, got, tc.want)
		}
	}
}

func TestWeakest(t *testing.T) {
	ds := func(scores ...int) []DimensionScore {
		var out []DimensionScore
		for i, s := range scores {
			out = append(out, DimensionScore{ID: string(rune('a' + i)), Score: s})
		}
		return out
	}
	ids := func(list []DimensionScore) string {
		var b strings.Builder
		for _, d := range list {
			b.WriteString(d.ID)
		}
		return b.String()
	}
	for _, tc := range []struct {
		scores []DimensionScore
		want   string
	}{
		{nil, ""},
		{ds(40), "a"},
		{ds(10, 90, 50), "bc"},
		{ds(50, 50, 50), "ab"}, // ties: the first listed
		{ds(20, 70, 70, 90), "db"},
	} {
		in := slices.Clone(tc.scores)
		if got := ids(Weakest(tc.scores)); got != tc.want {
			t.Errorf("Weakest(%v): got %q, want %q", tc.scores, got, tc.want)
		}
		if !slices.Equal(in, tc.scores) {
			t.Errorf("Weakest changed its argument: %v, was %v", tc.scores, in)
		}
	}
}

func TestBand(t *testing.T) {
	q := genQuiz(t, 1)
	for score := -5; score <= 105; score++ {
		var want string
		switch {
		case score < 0 || score > 100:
			want = ""
		case score <= 24:
			want = "built"
		case score <= 49:
			want = "strain"
		case score <= 74:
			want = "gap"
		default:
			want = "outgrown"
		}
		got := ""
		if b := q.Band(score); b != nil {
			got = b.ID
		}
		if got != want {
			t.Errorf("Band(%d): got %q, want %q", score, got, want)
		}
	}
}

// TestScoreEveryTotal scores every total a 15-statement quiz can reach,
// checking that the score never falls as answers rise and that each
// result's band is the band of its score.
func TestScoreEveryTotal(t *testing.T) {
	q := genQuiz(t, 3, 3, 3, 3, 3)
	prev := -1
	for sum := 0; sum <= top*len(q.Questions); sum++ {
		r := q.Score(fill(q, sum))
		if r.Score < prev {
			t.Errorf("%d points: score %d is below the %d of one point less", sum, r.Score, prev)
		}
		if r.Band == nil || r.Band.Min > r.Score || r.Score > r.Band.Max {
			t.Errorf("%d points: score %d is in band %+v", sum, r.Score, r.Band)
		}
		prev = r.Score
	}
	if prev != 100 {
		t.Errorf("every answer highest: got %d, want 100", prev)
	}
}

func TestValidate(t *testing.T) {
	q := genQuiz(t, 1, 2) // questions d0-q0, d1-q0, d1-q1
	const outOfRange = "Choose one of the answers from Never to Always."
	for _, tc := range []struct {
		name    string
		in      map[string]string
		answers Answers
		errs    []FieldError
	}{
		{
			name:    "complete",
			in:      map[string]string{"d0-q0": "0", "d1-q0": "4", "d1-q1": "2"},
			answers: Answers{"d0-q0": 0, "d1-q0": 4, "d1-q1": 2},
		},
		{
			name:    "spaces around a value",
			in:      map[string]string{"d0-q0": " 1 ", "d1-q0": "4\n", "d1-q1": "2"},
			answers: Answers{"d0-q0": 1, "d1-q0": 4, "d1-q1": 2},
		},
		{
			name:    "missing and empty",
			in:      map[string]string{"d1-q0": "", "d1-q1": "3"},
			answers: Answers{"d1-q1": 3},
			errs: []FieldError{
				{"d0-q0", "Choose an answer for this statement."},
				{"d1-q0", "Choose an answer for this statement."},
			},
		},
		{
			name:    "nothing",
			in:      nil,
			answers: Answers{},
			errs: []FieldError{
				{"d0-q0", "Choose an answer for this statement."},
				{"d1-q0", "Choose an answer for this statement."},
				{"d1-q1", "Choose an answer for this statement."},
			},
		},
		{
			name:    "out of range",
			in:      map[string]string{"d0-q0": "5", "d1-q0": "-1", "d1-q1": "99999999999999999999999"},
			answers: Answers{},
			errs:    []FieldError{{"d0-q0", outOfRange}, {"d1-q0", outOfRange}, {"d1-q1", outOfRange}},
		},
		{
			name:    "not whole numbers",
			in:      map[string]string{"d0-q0": "two", "d1-q0": "2.0", "d1-q1": "0x2"},
			answers: Answers{},
			errs:    []FieldError{{"d0-q0", outOfRange}, {"d1-q0", outOfRange}, {"d1-q1", outOfRange}},
		},
		{
			name:    "unknown questions, sorted",
			in:      map[string]string{"d0-q0": "1", "d1-q0": "1", "d1-q1": "1", "zeta": "1", "alpha": "x"},
			answers: Answers{"d0-q0": 1, "d1-q0": 1, "d1-q1": 1},
			errs: []FieldError{
				{"alpha", "This statement is not part of the quiz."},
				{"zeta", "This statement is not part of the quiz."},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, errs := q.Validate(tc.in)
			if mustJSON(t, a) != mustJSON(t, tc.answers) {
				t.Errorf("answers: got %v, want %v", a, tc.answers)
			}
			if !slices.Equal(errs, tc.errs) {
				t.Errorf("errors:\ngot  %v\nwant %v", errs, tc.errs)
			}
		})
	}
}
