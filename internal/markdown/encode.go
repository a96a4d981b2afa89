package markdown

import (
	"encoding/binary"
	"errors"
)

// docEncoding names MarshalBinary's format; a Doc of another refuses to
// decode.
const docEncoding = 1

// MarshalBinary encodes d for a cache of rendered documents (a build's
// cache folder): every field, in a compact form that UnmarshalBinary
// reads back without reflection. TestDocEncodingCoversEveryField fails
// when a field is added to Doc (or its parts) and not here.
func (d *Doc) MarshalBinary() ([]byte, error) {
	e := encoder{b: make([]byte, 0, len(d.HTML)+len(d.SummaryHTML)+256)}
	e.int(docEncoding)
	e.str(d.HTML)
	e.int(len(d.Headings))
	for _, h := range d.Headings {
		e.int(h.Level)
		e.str(h.ID)
		e.str(h.Text)
	}
	e.int(len(d.IDs))
	for _, id := range d.IDs {
		e.str(id)
	}
	e.int(len(d.Links))
	for _, l := range d.Links {
		e.str(l.Dest)
		e.int(l.Line)
		e.bool(l.Image)
		e.str(l.Alt)
		e.str(l.Ref)
		e.str(l.Shortcode)
	}
	e.int(d.Words)
	e.int(len(d.Warnings))
	for _, w := range d.Warnings {
		e.int(w.Line)
		e.str(w.Message)
	}
	e.str(d.Summary)
	e.str(d.SummaryHTML)
	return e.b, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote into d.
func (d *Doc) UnmarshalBinary(b []byte) error {
	r := decoder{b: b}
	if r.int() != docEncoding {
		return errors.New("markdown: a document of another encoding")
	}
	*d = Doc{HTML: r.str()}
	if n := r.count(); n > 0 {
		d.Headings = make([]Heading, n)
		for i := range d.Headings {
			d.Headings[i] = Heading{Level: r.int(), ID: r.str(), Text: r.str()}
		}
	}
	if n := r.count(); n > 0 {
		d.IDs = make([]string, n)
		for i := range d.IDs {
			d.IDs[i] = r.str()
		}
	}
	if n := r.count(); n > 0 {
		d.Links = make([]Link, n)
		for i := range d.Links {
			d.Links[i] = Link{Dest: r.str(), Line: r.int(), Image: r.bool(), Alt: r.str(), Ref: r.str(), Shortcode: r.str()}
		}
	}
	d.Words = r.int()
	if n := r.count(); n > 0 {
		d.Warnings = make([]Warning, n)
		for i := range d.Warnings {
			d.Warnings[i] = Warning{Line: r.int(), Message: r.str()}
		}
	}
	d.Summary = r.str()
	d.SummaryHTML = r.str()
	if r.err != nil || len(r.b) != 0 {
		return errors.New("markdown: a damaged document")
	}
	return nil
}

type encoder struct{ b []byte }

func (e *encoder) int(n int)    { e.b = binary.AppendVarint(e.b, int64(n)) }
func (e *encoder) str(s string) { e.int(len(s)); e.b = append(e.b, s...) }
func (e *encoder) bool(v bool) {
	if v {
		e.int(1)
	} else {
		e.int(0)
	}
}

// decoder reads an encoder's output; the first problem sticks in err and
// every later read returns zero values.
type decoder struct {
	b   []byte
	err error
}

var errShort = errors.New("short")

func (r *decoder) int() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errShort
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

// count reads a slice's length, which cannot exceed the bytes left.
func (r *decoder) count() int {
	n := r.int()
	if n < 0 || n > len(r.b) {
		r.err = errShort
		return 0
	}
	return n
}

func (r *decoder) str() string {
	n := r.count()
	if r.err != nil {
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *decoder) bool() bool { return r.int() == 1 }
