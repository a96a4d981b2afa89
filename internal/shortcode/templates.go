package shortcode

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"
)

// Funcs are the template functions whose work belongs to the markdown
// renderer. A renderer binds them with Binder.Bind.
type Funcs struct {
	// Markdownify renders markdown inline, for markdownify.
	Markdownify func(markdown string) (template.HTML, error)
	// Ref resolves a content path ("articles/x.md#part") to a URL, for
	// the ref and relref functions.
	Ref func(path string) (string, error)
}

// Binder is a Site whose templates call back into the renderer that
// runs them (markdownify, ref, relref). A renderer calls Bind once and
// uses the Site it returns, from one goroutine at a time, as itself.
type Binder interface {
	Site
	Bind(Funcs) Site
}

// Templates are a site's shortcode templates: html/template files, one
// shortcode per file, named by the path under the shortcode folder
// without ".html" (layouts/shortcodes/cta.html is {{< cta >}};
// layouts/shortcodes/blog/note.html is {{< blog/note >}}).
//
// Besides html/template's own functions, templates may call:
//
//	markdownify MD         markdown rendered inline
//	ref . PATH, relref . PATH  the URL of a content file (both give the
//	                       root-relative URL; see the markdown package)
//	default DEFAULT VALUE  VALUE unless it is empty, else DEFAULT
//	cond TEST A B          A if TEST is true, else B
//	errorf FORMAT ARGS...  fails the call with a message
//	lower S, upper S, trim S CUTSET, replace S OLD NEW
//	plainify S             S without HTML tags
//	safeHTML S, safeHTMLAttr S, safeURL S  trust S in that context
//	dict K V ..., slice V ...
//
// Anything else is an error when the templates load, naming file and line.
type Templates struct {
	files map[string]*file
	funcs Funcs
}

var _ Binder = (*Templates)(nil)

type file struct {
	name, path, text string
	t                *template.Template
	inner            bool
}

// LoadTemplates parses the shortcode templates (*.html) under dir in
// fsys. A missing dir is no error: the site has built-ins only. Every
// template that fails to parse is reported as a *FileError naming its
// file and line; the error then lists them all (see FileErrors), and
// the Templates hold those that parsed. Other files are ignored.
func LoadTemplates(fsys fs.FS, dir string) (*Templates, error) {
	return LoadTemplatesAs(fsys, dir, dir)
}

// LoadTemplatesAs is LoadTemplates for a dir that users know by another
// path, shown in messages: LoadTemplatesAs(layouts, "shortcodes",
// "layouts/shortcodes") names layouts/shortcodes/cta.html:3.
func LoadTemplatesAs(fsys fs.FS, dir, shownAs string) (*Templates, error) {
	ts := &Templates{files: map[string]*file{}}
	var errs FileErrors
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() || path.Ext(p) != ".html" {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		rel := p
		if dir != "." && dir != "" {
			rel = strings.TrimPrefix(p, dir+"/")
		}
		f := &file{name: strings.TrimSuffix(rel, ".html"), path: path.Join(shownAs, rel), text: string(b)}
		if err := f.parse(&ts.funcs); err != nil {
			errs = append(errs, err)
			return nil
		}
		ts.files[f.name] = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return ts, errs
	}
	return ts, nil
}

// Names lists the shortcodes, sorted.
func (ts *Templates) Names() []string {
	var names []string
	for n := range ts.files {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Shortcode returns the named template.
func (ts *Templates) Shortcode(name string) (Template, bool) {
	f, ok := ts.files[name]
	return f, ok
}

// Bind returns a copy of the templates whose markdownify, ref and
// relref call fn. Parsing again is cheap and gives the copy its own
// functions; the files parsed once already, so it cannot fail.
func (ts *Templates) Bind(fn Funcs) Site {
	nt := &Templates{files: make(map[string]*file, len(ts.files)), funcs: fn}
	for name, f := range ts.files {
		nf := &file{name: f.name, path: f.path, text: f.text}
		if err := nf.parse(&nt.funcs); err != nil {
			panic(fmt.Sprintf("shortcode %s: parsed once, not twice: %v", f.path, err))
		}
		nt.files[name] = nf
	}
	return nt
}

func (f *file) parse(fn *Funcs) *FileError {
	t, err := template.New(f.path).Funcs(funcMap(fn)).Parse(f.text)
	if err != nil {
		return fileError(f.path, err)
	}
	f.t = t
	f.inner = false
	for _, tt := range t.Templates() {
		if tt.Tree != nil && usesInner(tt.Tree.Root) {
			f.inner = true
		}
	}
	return nil
}

func (f *file) Inner() bool { return f.inner }

func (f *file) Execute(w io.Writer, c *Call) error {
	if err := f.t.Execute(w, c); err != nil {
		return fileError(f.path, err)
	}
	return nil
}

// FileError is a problem in a template file.
type FileError struct {
	File string
	Line int // 0 when unknown
	Err  error
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// FileErrors lists the problems of several templates.
type FileErrors []*FileError

func (l FileErrors) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap gives errors.Is and errors.As each error.
func (l FileErrors) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// templateErr splits text/template's "template: NAME:LINE[:COL]: MSG".
var templateErr = regexp.MustCompile(`^template: (.+?):(\d+):(?:\d+:)? (.*)$`)

// execPrefix is the part of an execution error that repeats the file.
var execPrefix = regexp.MustCompile(`^executing "[^"]*" at `)

func fileError(file string, err error) *FileError {
	m := templateErr.FindStringSubmatch(strings.TrimSpace(err.Error()))
	if m == nil || m[1] != file {
		return &FileError{File: file, Err: err}
	}
	line, _ := strconv.Atoi(m[2])
	msg := execPrefix.ReplaceAllString(m[3], "at ")
	return &FileError{File: file, Line: line, Err: errors.New(msg)}
}

// usesInner reports whether a template reads .Inner or .InnerDeindent,
// which is how Hugo decides that a shortcode takes inner content.
func usesInner(n parse.Node) bool {
	has := func(idents []string) bool {
		return slices.Contains(idents, "Inner") || slices.Contains(idents, "InnerDeindent")
	}
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return false
		}
		for _, c := range n.Nodes {
			if usesInner(c) {
				return true
			}
		}
	case *parse.ActionNode:
		return usesInner(n.Pipe)
	case *parse.IfNode:
		return usesInner(&n.BranchNode)
	case *parse.RangeNode:
		return usesInner(&n.BranchNode)
	case *parse.WithNode:
		return usesInner(&n.BranchNode)
	case *parse.BranchNode:
		return usesInner(n.Pipe) || usesInner(n.List) || (n.ElseList != nil && usesInner(n.ElseList))
	case *parse.TemplateNode:
		return n.Pipe != nil && usesInner(n.Pipe)
	case *parse.PipeNode:
		if n == nil {
			return false
		}
		for _, c := range n.Cmds {
			if usesInner(c) {
				return true
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			if usesInner(a) {
				return true
			}
		}
	case *parse.FieldNode:
		return has(n.Ident)
	case *parse.VariableNode:
		return has(n.Ident)
	case *parse.ChainNode:
		return has(n.Field) || usesInner(n.Node)
	}
	return false
}

func funcMap(fn *Funcs) template.FuncMap {
	ref := func(ctx any, p any) (string, error) {
		if fn.Ref == nil {
			return "", errors.New("ref: content paths cannot be resolved here")
		}
		switch p := p.(type) {
		case string:
			return fn.Ref(p)
		case map[string]any:
			if s, ok := p["path"].(string); ok {
				return fn.Ref(s)
			}
		}
		return "", fmt.Errorf("ref: want a path, got %T", p)
	}
	return template.FuncMap{
		"markdownify": func(v any) (template.HTML, error) {
			if fn.Markdownify == nil {
				return "", errors.New("markdownify: no markdown renderer here")
			}
			return fn.Markdownify(toString(v))
		},
		"ref":    ref,
		"relref": ref,
		"default": func(def any, given ...any) any {
			if len(given) == 0 {
				return def
			}
			if t, ok := template.IsTrue(given[0]); !ok || !t {
				return def
			}
			return given[0]
		},
		"cond": func(test, a, b any) any {
			if t, _ := template.IsTrue(test); t {
				return a
			}
			return b
		},
		"errorf": func(format string, args ...any) (string, error) {
			return "", fmt.Errorf(format, args...)
		},
		"lower":   func(v any) string { return strings.ToLower(toString(v)) },
		"upper":   func(v any) string { return strings.ToUpper(toString(v)) },
		"trim":    func(v any, cutset string) string { return strings.Trim(toString(v), cutset) },
		"replace": func(v any, old, new string) string { return strings.ReplaceAll(toString(v), old, new) },
		"plainify": func(v any) string {
			return StripTags(toString(v))
		},
		"safeHTML":     func(v any) template.HTML { return template.HTML(toString(v)) },
		"safeHTMLAttr": func(v any) template.HTMLAttr { return template.HTMLAttr(toString(v)) },
		"safeURL":      func(v any) template.URL { return template.URL(toString(v)) },
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, errors.New("dict: want key value pairs")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"slice": func(v ...any) []any { return v },
	}
}

// StripTags returns html without its tags and with entities left as
// they are; for plain text, unescape the result.
func StripTags(html string) string {
	var b strings.Builder
	in := false
	for i := 0; i < len(html); i++ {
		c := html[i]
		switch {
		case c == '<' && i+1 < len(html) && (isLetter(html[i+1]) || html[i+1] == '/' || html[i+1] == '!'):
			in = true
		case c == '>' && in:
			in = false
		case !in:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
