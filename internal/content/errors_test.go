package content

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"testing"
)

func TestErrorString(t *testing.T) {
	for _, tc := range []struct {
		err  *Error
		want string
	}{
		{Errorf("content/a.md", 3, "bad %s", "thing"), "content/a.md:3: bad thing"},
		{Errorf("content/a.md", 0, "unreadable"), "content/a.md: unreadable"},
		{&Error{File: "x.md", Line: 1, Err: fs.ErrNotExist}, "x.md:1: file does not exist"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestErrorUnwrap(t *testing.T) {
	err := error(&Error{File: "x.md", Line: 2, Err: fmt.Errorf("open: %w", fs.ErrNotExist)})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("errors.Is(%v, fs.ErrNotExist): got false, want true", err)
	}
}

func TestErrorListErr(t *testing.T) {
	var l ErrorList
	if err := l.Err(); err != nil {
		t.Errorf("empty list: got %v, want nil", err)
	}
	l.Add(nil)
	l.Add(ErrorList(nil))
	if err := l.Err(); err != nil || len(l) != 0 {
		t.Errorf("after adding nil and an empty list: got %v (len %d), want nil", err, len(l))
	}
	l.Add(Errorf("a.md", 1, "x"))
	err := l.Err()
	if err == nil {
		t.Fatal("got nil, want the list")
	}
	if got, want := err.Error(), "a.md:1: x"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestErrorListSortsByFileThenLine(t *testing.T) {
	plain := errors.New("plain error")
	var l ErrorList
	for _, err := range []error{
		Errorf("b.md", 2, "b2"),
		plain,
		Errorf("a.md", 10, "a10"),
		Errorf("b.md", 1, "b1"),
		Errorf("a.md", 2, "a2"),
		Errorf("a.md", 0, "a0"),
		fmt.Errorf("wrapped: %w", Errorf("a.md", 5, "a5")),
		Errorf("a.md", 2, "a2 again"),
	} {
		l.Add(err)
	}
	got := l.Err().Error()
	want := `a.md: a0
a.md:2: a2
a.md:2: a2 again
wrapped: a.md:5: a5
a.md:10: a10
b.md:1: b1
b.md:2: b2
plain error`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestErrorListAddFlattens(t *testing.T) {
	inner := ErrorList{Errorf("b.md", 1, "b1"), Errorf("a.md", 1, "a1")}
	var middle ErrorList
	middle.Add(Errorf("c.md", 1, "c1"))
	middle.Add(inner)
	var outer ErrorList
	outer.Add(middle.Err()) // Err returns the list as an error
	outer.Add(Errorf("d.md", 1, "d1"))

	if len(outer) != 4 {
		t.Fatalf("got %d errors, want 4 (flattened): %v", len(outer), outer)
	}
	for i, err := range outer {
		if _, ok := err.(*Error); !ok {
			t.Errorf("error %d: got %T, want *Error", i, err)
		}
	}
	var files []string
	for _, err := range outer.Err().(ErrorList) {
		files = append(files, err.(*Error).File)
	}
	if want := []string{"a.md", "b.md", "c.md", "d.md"}; !slices.Equal(files, want) {
		t.Errorf("got files %q, want %q", files, want)
	}
}

func TestErrorListErrDropsDuplicates(t *testing.T) {
	var l ErrorList
	l.Add(Errorf("layouts/base.html", 3, "bad"))
	l.Add(Errorf("a.md", 1, "x"))
	l.Add(Errorf("layouts/base.html", 3, "bad")) // once per page using the layout
	l.Add(Errorf("layouts/base.html", 3, "other"))
	l.Add(Errorf("a.md", 1, "x"))
	got := l.Err().Error()
	want := "a.md:1: x\nlayouts/base.html:3: bad\nlayouts/base.html:3: other"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
