package quiz

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/markdown"
)

// File is the quiz's file name in the content folder.
const File = "quiz.toml"

// ScaleSize is the number of answer labels a quiz must have. Answers are
// worth 0 to ScaleSize-1.
const ScaleSize = 5

// Quiz is a parsed content/quiz.toml. Parse returns it validated; its
// fields must not be changed afterwards, as one Quiz serves every request.
type Quiz struct {
	Title      string        `json:"title"`
	Intro      template.HTML `json:"intro"` // rendered markdown
	Scale      []string      `json:"scale"` // answer labels, least to most frequent; the ith is worth i
	Dimensions []Dimension   `json:"dimensions"`
	Questions  []Question    `json:"questions"`
	Bands      []Band        `json:"bands"` // in file order

	// File is the path of the quiz file, for messages.
	File string `json:"-"`

	links []link // site paths to check, see CheckLinks
}

// Dimension is an area the quiz scores.
type Dimension struct {
	ID     string        `json:"id"`
	Name   string        `json:"name"`
	Advice template.HTML `json:"advice"` // rendered markdown
}

// Question is one statement; a visitor answers how often it is true.
type Question struct {
	ID        string `json:"id"`
	Dimension string `json:"dimension"` // a Dimension's ID
	Text      string `json:"text"`
}

// Band is the result for a range of overall scores.
type Band struct {
	ID       string        `json:"id"`
	Min      int           `json:"min"` // inclusive
	Max      int           `json:"max"` // inclusive
	Headline string        `json:"headline"`
	Advice   template.HTML `json:"advice"`   // rendered markdown
	Articles []string      `json:"articles"` // site paths for further reading; never nil, so JSON has []
}

// link is a site path the quiz refers to, and where.
type link struct {
	path string
	line int
	what string // for the message: `band "gap" article`
}

// source mirrors the file; markdown stays text until rendered.
type source struct {
	Title      string   `toml:"title"`
	Intro      string   `toml:"intro"`
	Scale      []string `toml:"scale"`
	Dimensions []struct {
		ID     string `toml:"id"`
		Name   string `toml:"name"`
		Advice string `toml:"advice"`
	} `toml:"dimensions"`
	Questions []struct {
		ID        string `toml:"id"`
		Dimension string `toml:"dimension"`
		Text      string `toml:"text"`
	} `toml:"questions"`
	Bands []struct {
		ID       string   `toml:"id"`
		Min      int      `toml:"min"`
		Max      int      `toml:"max"`
		Headline string   `toml:"headline"`
		Advice   string   `toml:"advice"`
		Articles []string `toml:"articles"`
	} `toml:"bands"`
}

var idRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Parse decodes and validates the quiz in src; file names it in messages.
// If the quiz has problems, it returns a nil Quiz and every problem as a
// content.ErrorList of *content.Error, each naming the line it concerns.
// Only syntax and type errors stop it early, as the rest of the file
// cannot be read after them.
func Parse(file string, src []byte) (*Quiz, error) {
	var s source
	var errs content.ErrorList
	dec := toml.NewDecoder(bytes.NewReader(src)).DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		// A strict-mode error comes after a complete decode, so the
		// checks below still run; anything else leaves s unreliable.
		var se *toml.StrictMissingError
		if !errors.As(err, &se) {
			return nil, tomlError(file, err)
		}
		errs.Add(tomlError(file, err))
	}
	ls := locate(src)
	p := parser{file: file, lines: ls, errs: &errs, md: markdown.New()}
	q := &Quiz{File: file, Title: strings.TrimSpace(s.Title), Scale: s.Scale}

	p.required("title", q.Title)
	q.Intro = p.markdown("intro", s.Intro)

	if len(s.Scale) != ScaleSize {
		p.errorf("scale", "scale needs %d labels, least to most frequent (Never, Rarely, Sometimes, Often, Always); it has %d", ScaleSize, len(s.Scale))
	}
	for i, label := range s.Scale {
		q.Scale[i] = strings.TrimSpace(label)
		if q.Scale[i] == "" {
			p.errorf(fmt.Sprintf("scale.%d", i), "scale label %d is empty", i+1)
		}
	}

	// Dimensions.
	dimIndex := map[string]int{}
	if len(s.Dimensions) == 0 {
		p.errorf("dimensions", "no [[dimensions]]: the quiz needs at least one")
	}
	for i, d := range s.Dimensions {
		path := fmt.Sprintf("dimensions.%d", i)
		dim := Dimension{ID: d.ID, Name: strings.TrimSpace(d.Name)}
		if p.id("dimension", "dimensions", i, d.ID, dimIndex) {
			dimIndex[d.ID] = i
		}
		p.required(path+".name", dim.Name)
		dim.Advice = p.markdown(path+".advice", d.Advice)
		p.required(path+".advice", d.Advice)
		q.Dimensions = append(q.Dimensions, dim)
	}

	// Questions.
	qIndex := map[string]int{}
	perDim := make([]int, len(s.Dimensions))
	if len(s.Questions) == 0 {
		p.errorf("questions", "no [[questions]]: the quiz needs at least one")
	}
	for i, sq := range s.Questions {
		path := fmt.Sprintf("questions.%d", i)
		qu := Question{ID: sq.ID, Dimension: sq.Dimension, Text: strings.TrimSpace(sq.Text)}
		if p.id("question", "questions", i, sq.ID, qIndex) {
			qIndex[sq.ID] = i
		}
		if n, ok := dimIndex[sq.Dimension]; ok {
			perDim[n]++
		} else if sq.Dimension == "" {
			p.errorf(path+".dimension", "dimension is required")
		} else if !dimensionListed(s, sq.Dimension) {
			p.errorf(path+".dimension", "unknown dimension %q (want one of %s)", sq.Dimension, dimensionIDs(q.Dimensions))
		}
		p.required(path+".text", qu.Text)
		q.Questions = append(q.Questions, qu)
	}
	for i, n := range perDim {
		if n == 0 && s.Dimensions[i].ID != "" && dimIndex[s.Dimensions[i].ID] == i {
			p.errorf(fmt.Sprintf("dimensions.%d.id", i), "dimension %q has no questions", s.Dimensions[i].ID)
		}
	}

	// Bands.
	bandIndex := map[string]int{}
	if len(s.Bands) == 0 {
		p.errorf("bands", "no [[bands]]: the quiz needs bands covering 0 to 100")
	}
	for i, sb := range s.Bands {
		path := fmt.Sprintf("bands.%d", i)
		b := Band{ID: sb.ID, Min: sb.Min, Max: sb.Max, Headline: strings.TrimSpace(sb.Headline), Articles: []string{}}
		if p.id("band", "bands", i, sb.ID, bandIndex) {
			bandIndex[sb.ID] = i
		}
		p.required(path+".headline", b.Headline)
		b.Advice = p.markdown(path+".advice", sb.Advice)
		p.required(path+".advice", sb.Advice)
		for j, a := range sb.Articles {
			apath := fmt.Sprintf("%s.articles.%d", path, j)
			if !strings.HasPrefix(a, "/") || strings.HasPrefix(a, "//") {
				p.errorf(apath, "band %q: article %q must be a site path such as /articles/what-is-a-fractional-coo/", sb.ID, a)
				continue
			}
			b.Articles = append(b.Articles, a)
			q.links = append(q.links, link{path: a, line: ls.line(apath), what: fmt.Sprintf("band %q: article", sb.ID)})
		}
		q.Bands = append(q.Bands, b)
	}
	p.coverage(q.Bands)
	q.links = append(q.links, p.links...)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return q, nil
}

// dimensionListed reports whether id is the id of some dimension, valid
// or not, so that a dimension with a bad id does not also make each of
// its questions an error.
func dimensionListed(s source, id string) bool {
	for _, d := range s.Dimensions {
		if d.ID == id {
			return true
		}
	}
	return false
}

func dimensionIDs(ds []Dimension) string {
	var ids []string
	for _, d := range ds {
		if d.ID != "" && !slices.Contains(ids, d.ID) {
			ids = append(ids, d.ID)
		}
	}
	return strings.Join(ids, ", ")
}

// parser holds what the checks of one file share.
type parser struct {
	file  string
	lines lines
	errs  *content.ErrorList
	md    *markdown.Renderer
	links []link // site paths linked from markdown
}

func (p *parser) errorf(path, format string, args ...any) {
	p.errs.Add(content.Errorf(p.file, p.lines.line(path), format, args...))
}

// required reports an empty value of the key at path.
func (p *parser) required(path, val string) {
	if strings.TrimSpace(val) == "" {
		p.errorf(path, "%s is required", path[strings.LastIndexByte(path, '.')+1:])
	}
}

// id checks the id of the ith table of the array table named table,
// which must be well formed and not already in seen, a map of the ids so
// far to their table's index. It reports whether id may be added to seen.
func (p *parser) id(kind, table string, i int, id string, seen map[string]int) bool {
	path := fmt.Sprintf("%s.%d", table, i)
	switch {
	case id == "":
		p.errorf(path+".id", "%s %d: id is required", kind, i+1)
		return false
	case !idRE.MatchString(id):
		p.errorf(path+".id", "%s id %q must be lower-case letters, digits and hyphens, such as %q", kind, id, "tech-results")
		return false
	}
	if first, dup := seen[id]; dup {
		p.errorf(path+".id", "duplicate %s id %q (first at line %d)", kind, id, p.lines.line(fmt.Sprintf("%s.%d.id", table, first)))
		return false
	}
	return true
}

// markdown renders the markdown at path and collects its site links.
func (p *parser) markdown(path, src string) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	doc, err := p.md.Render([]byte(src))
	if err != nil {
		p.errorf(path, "%s: markdown: %v", path, err)
		return ""
	}
	start := p.lines.contentLine(path)
	for _, l := range doc.Links {
		if strings.HasPrefix(l.Dest, "/") && !strings.HasPrefix(l.Dest, "//") {
			what := "link"
			if l.Image {
				what = "image"
			}
			p.links = append(p.links, link{path: l.Dest, line: start + l.Line - 1, what: what})
		}
	}
	return template.HTML(doc.HTML)
}

// coverage checks that the bands cover 0 to 100 once each. An error
// names the band whose min (or max) starts the gap or overlap.
func (p *parser) coverage(bands []Band) {
	order := make([]int, 0, len(bands))
	valid := true
	for i, b := range bands {
		path := fmt.Sprintf("bands.%d", i)
		switch {
		case b.Min < 0 || b.Min > 100:
			p.errorf(path+".min", "band %q: min %d is outside 0 to 100", b.ID, b.Min)
			valid = false
		case b.Max < 0 || b.Max > 100:
			p.errorf(path+".max", "band %q: max %d is outside 0 to 100", b.ID, b.Max)
			valid = false
		case b.Min > b.Max:
			p.errorf(path+".min", "band %q: min %d is greater than max %d", b.ID, b.Min, b.Max)
			valid = false
		}
		order = append(order, i)
	}
	if !valid || len(bands) == 0 {
		// Gaps and overlaps would only restate the errors above.
		return
	}
	slices.SortStableFunc(order, func(a, b int) int { return bands[a].Min - bands[b].Min })
	next := 0 // the lowest score not yet covered
	prev := -1
	for _, i := range order {
		b := bands[i]
		path := fmt.Sprintf("bands.%d", i)
		switch {
		case b.Min > next:
			p.errorf(path+".min", "band %q: no band covers %s", b.ID, span(next, b.Min-1))
		case b.Min < next:
			p.errorf(path+".min", "band %q (%s) overlaps band %q (%s)", b.ID, span(b.Min, b.Max), bands[prev].ID, span(bands[prev].Min, bands[prev].Max))
		}
		if b.Max+1 > next {
			next, prev = b.Max+1, i
		}
	}
	if next <= 100 {
		p.errorf(fmt.Sprintf("bands.%d.max", prev), "band %q: no band covers %s", bands[prev].ID, span(next, 100))
	}
}

func span(lo, hi int) string {
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

// CheckLinks reports, as file:line errors, each site path the quiz links
// to (a band's articles, and links in its markdown) for which exists
// returns false. exists is given the path without its #fragment or
// ?query. The builder calls it with its set of page URLs.
func (q *Quiz) CheckLinks(exists func(path string) bool) error {
	var errs content.ErrorList
	for _, l := range q.links {
		path, _, _ := strings.Cut(l.path, "#")
		path, _, _ = strings.Cut(path, "?")
		if !exists(path) {
			errs.Add(content.Errorf(q.File, l.line, "%s %q: no such page", l.what, l.path))
		}
	}
	return errs.Err()
}

// tomlError turns a go-toml error into file:line errors.
func tomlError(file string, err error) error {
	// StrictMissingError first: it unwraps to its DecodeErrors, which
	// would otherwise match below as a bare "toml: unknown field".
	var se *toml.StrictMissingError
	if errors.As(err, &se) {
		var errs content.ErrorList
		for _, e := range se.Errors {
			row, _ := e.Position()
			errs.Add(content.Errorf(file, row, "unknown key %q", strings.Join(e.Key(), ".")))
		}
		return errs.Err()
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, _ := de.Position()
		msg := de.Error()
		// go-toml names the Go type; say what the key needs instead.
		if m := mismatchRE.FindStringSubmatch(msg); m != nil && len(de.Key()) > 0 {
			want := "a " + m[2]
			switch {
			case m[2] == "int":
				want = "a whole number"
			case m[2] == "[]string":
				want = "a list of strings"
			case strings.HasPrefix(m[2], "[]struct"):
				want = "[[tables]]"
			}
			msg = fmt.Sprintf("%s must be %s, not a TOML %s", strings.Join(de.Key(), "."), want, m[1])
		}
		return content.ErrorList{content.Errorf(file, row, "%s", msg)}
	}
	return content.ErrorList{content.Errorf(file, 1, "%v", err)}
}

var mismatchRE = regexp.MustCompile(`^toml: cannot decode TOML (.+?) into .* of type (.+)$`)
