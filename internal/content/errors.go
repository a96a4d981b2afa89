package content

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Error is a problem with one source file, reported as "file:line: message"
// so that editors and terminals can jump to it.
type Error struct {
	File string // path as the user knows it, e.g. "content/articles/x.md"
	Line int    // 1-based; 0 when the problem concerns the whole file
	Err  error
	// Warning marks something accepted but worth a look (a front-matter
	// key that changes nothing): a build prints it and goes on, site check
	// fails on it. It reads "file:line: warning: message".
	Warning bool
}

func (e *Error) Error() string {
	warn := ""
	if e.Warning {
		warn = "warning: "
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s%v", e.File, e.Line, warn, e.Err)
	}
	return fmt.Sprintf("%s: %s%v", e.File, warn, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error for file at line.
func Errorf(file string, line int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Err: fmt.Errorf(format, args...)}
}

// Warnf returns an *Error for file at line marked as a warning.
func Warnf(file string, line int, format string, args ...any) *Error {
	e := Errorf(file, line, format, args...)
	e.Warning = true
	return e
}

// ErrorList collects every problem of one build so they are reported
// together rather than one per run.
type ErrorList []error

// Add appends err unless it is nil; an ErrorList is flattened into l.
func (l *ErrorList) Add(err error) {
	if err == nil {
		return
	}
	var el ErrorList
	if errors.As(err, &el) {
		*l = append(*l, el...)
		return
	}
	*l = append(*l, err)
}

// Err returns nil when l is empty and otherwise l sorted by file and line,
// each message once (a broken layout fails every page that uses it).
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	l.Sort()
	out := l[:1]
	for _, err := range l[1:] {
		if err.Error() != out[len(out)-1].Error() {
			out = append(out, err)
		}
	}
	return out
}

// Sort orders the list by file, then line, keeping other errors last.
func (l ErrorList) Sort() {
	slices.SortStableFunc(l, func(a, b error) int {
		var ea, eb *Error
		okA, okB := errors.As(a, &ea), errors.As(b, &eb)
		switch {
		case okA && okB:
			return cmp.Or(strings.Compare(ea.File, eb.File), cmp.Compare(ea.Line, eb.Line))
		case okA:
			return -1
		case okB:
			return 1
		}
		return 0
	})
}

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, err := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(err.Error())
	}
	return b.String()
}
