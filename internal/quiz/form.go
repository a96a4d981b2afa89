package quiz

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// Version identifies a quiz file's content, so a form posted from a page
// built from an older quiz is recognised rather than scored wrongly.
func Version(src []byte) string {
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:6])
}

// FieldName is the form field of the ith statement: "q.0.a", "q.1.a", ...
// (gorilla/schema's syntax for a slice of structs, so an unanswered
// statement leaves a gap rather than shifting the answers after it).
func FieldName(i int) string { return "q." + strconv.Itoa(i) + ".a" }

// Form is the quiz form as a page shows it: empty on /quiz/, or with the
// visitor's answers and a message at each problem when it comes back.
type Form struct {
	Quiz    *Quiz
	Version string
	Values  map[string]string // question id → submitted value
	Errors  map[string]string // question id → message
	Message string            // a message for the whole form
}

// FormItem is one statement of a Form, ready for a template.
type FormItem struct {
	Index    int
	Number   int // 1-based, for "3 of 15"
	Name     string
	Question Question
	Value    string
	Error    string
	Options  []FormOption
}

// FormOption is one answer of a statement.
type FormOption struct {
	Value   string
	Label   string
	Checked bool
}

// Items lists the statements with their values and errors.
func (f Form) Items() []FormItem {
	items := make([]FormItem, len(f.Quiz.Questions))
	for i, q := range f.Quiz.Questions {
		it := FormItem{Index: i, Number: i + 1, Name: FieldName(i), Question: q, Value: f.Values[q.ID], Error: f.Errors[q.ID]}
		for v, label := range f.Quiz.Scale {
			val := strconv.Itoa(v)
			it.Options = append(it.Options, FormOption{Value: val, Label: label, Checked: it.Value == val})
		}
		items[i] = it
	}
	return items
}

// HasErrors reports whether the form comes back with problems.
func (f Form) HasErrors() bool { return len(f.Errors) > 0 || f.Message != "" }
