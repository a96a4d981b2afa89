package quiz

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
)

// Answers maps a question's id to its answer: the index of the chosen
// scale label, 0 (least frequent) to ScaleSize-1. Validate returns it.
type Answers map[string]int

// FieldError is a problem with the answer to one question, to be shown
// next to its statement. Question is the submitted field name, which for
// an unknown question is the visitor's input.
type FieldError struct {
	Question string `json:"question"`
	Message  string `json:"message"`
}

// Messages of FieldError.
const (
	msgMissing = "Choose an answer for this statement."
	msgUnknown = "This statement is not part of the quiz."
)

// Validate checks a submission: answers maps each question id to the
// submitted value, "0" to "4". It returns the answers it could read and a
// FieldError for each missing answer, unknown question or value that is
// not a whole number on the scale, in the order of the questions and then
// of the unknown ids. Pass only the quiz's fields: any other (a form
// token, say) is an unknown question. Any input is safe: it never panics.
func (q *Quiz) Validate(answers map[string]string) (Answers, []FieldError) {
	a := make(Answers, len(q.Questions))
	var errs []FieldError
	for _, qu := range q.Questions {
		v, ok := answers[qu.ID]
		v = strings.TrimSpace(v)
		if !ok || v == "" {
			errs = append(errs, FieldError{qu.ID, msgMissing})
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > top {
			errs = append(errs, FieldError{qu.ID, q.rangeMessage()})
			continue
		}
		a[qu.ID] = n
	}
	known := make(map[string]bool, len(q.Questions))
	for _, qu := range q.Questions {
		known[qu.ID] = true
	}
	var unknown []string
	for id := range answers {
		if !known[id] {
			unknown = append(unknown, id)
		}
	}
	slices.Sort(unknown)
	for _, id := range unknown {
		errs = append(errs, FieldError{id, msgUnknown})
	}
	return a, errs
}

func (q *Quiz) rangeMessage() string {
	if len(q.Scale) < 2 {
		return msgMissing
	}
	return fmt.Sprintf("Choose one of the answers from %s to %s.", q.Scale[0], q.Scale[len(q.Scale)-1])
}

// top is the value of the last scale label.
const top = ScaleSize - 1

// Result is a scored quiz: what the results page shows, and what is
// stored with a submission. Its JSON field names are stable.
type Result struct {
	Score      int              `json:"score"`      // overall gap, 0 to 100
	Band       *Band            `json:"band"`       // the band of Score; nil only for a quiz whose bands do not cover it
	Dimensions []DimensionScore `json:"dimensions"` // every dimension, in file order
	Weakest    []DimensionScore `json:"weakest"`    // the two highest scores, highest first
}

// DimensionScore is one dimension's part of a Result.
type DimensionScore struct {
	ID     string        `json:"id"`
	Name   string        `json:"name"`
	Score  int           `json:"score"` // gap, 0 to 100
	Advice template.HTML `json:"advice"`
}

// WeakestCount is the number of dimensions a Result names as weakest.
const WeakestCount = 2

// Score scores answers as Validate returns them. A question without an
// answer counts as 0 and a value off the scale as its nearest end, so
// that any Answers give scores from 0 to 100.
func (q *Quiz) Score(a Answers) Result {
	sums := make([]int, len(q.Dimensions))
	counts := make([]int, len(q.Dimensions))
	dimIndex := make(map[string]int, len(q.Dimensions))
	for i, d := range q.Dimensions {
		dimIndex[d.ID] = i
	}
	total, n := 0, 0
	for _, qu := range q.Questions {
		v := min(max(a[qu.ID], 0), top)
		total += v
		n++
		if i, ok := dimIndex[qu.Dimension]; ok {
			sums[i] += v
			counts[i]++
		}
	}
	r := Result{Score: Percent(total, n*top), Dimensions: make([]DimensionScore, len(q.Dimensions))}
	for i, d := range q.Dimensions {
		r.Dimensions[i] = DimensionScore{ID: d.ID, Name: d.Name, Score: Percent(sums[i], counts[i]*top), Advice: d.Advice}
	}
	if b := q.Band(r.Score); b != nil {
		c := *b
		c.Articles = slices.Clone(b.Articles)
		r.Band = &c
	}
	r.Weakest = Weakest(r.Dimensions)
	return r
}

// Weakest returns the WeakestCount highest of scores (fewer if there are
// fewer), highest first, ties going to the one listed first: the areas a
// Result names as weakest. scores is not modified.
func Weakest(scores []DimensionScore) []DimensionScore {
	w := slices.Clone(scores)
	slices.SortStableFunc(w, func(a, b DimensionScore) int { return cmp.Compare(b.Score, a.Score) })
	return w[:min(WeakestCount, len(w))]
}

// Percent returns 100·part/whole rounded to the nearest whole number,
// halves up, and 0 when whole is 0: how every score is rounded, and how
// a report of scores rounds its shares.
func Percent(part, whole int) int { return roundDiv(100*part, whole) }

// Mean returns the mean of n scores whose total is sum, rounded as
// Percent rounds; 0 when n is 0.
func Mean(sum, n int) int { return roundDiv(sum, n) }

// roundDiv is num/den rounded to the nearest whole number, halves up;
// 0 when den is not positive. num is not negative.
func roundDiv(num, den int) int {
	if den <= 0 {
		return 0
	}
	return (2*num + den) / (2 * den)
}

// Band returns the band whose range holds score, or nil if none does
// (never for a quiz Parse accepted and a score from 0 to 100).
func (q *Quiz) Band(score int) *Band {
	for i := range q.Bands {
		if b := &q.Bands[i]; b.Min <= score && score <= b.Max {
			return b
		}
	}
	return nil
}
