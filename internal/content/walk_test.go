package content

import (
	"errors"
	"io/fs"
	"slices"
	"testing"
	"testing/fstest"
)

func TestFiles(t *testing.T) {
	file := &fstest.MapFile{Data: []byte("---\ntitle: T\n---\n")}
	fsys := fstest.MapFS{
		"_index.md":                  file,
		"about.md":                   file,
		"services.md":                file,
		"site.toml":                  file,
		"notes.txt":                  file,
		"README.markdown":            file,
		"_draft.md":                  file,
		".hidden.md":                 file,
		"_partials/footer.md":        file,
		".obsidian/workspace.md":     file,
		"services/_index.md":         file, // a section's list page
		"articles/_index.md":         file,
		"articles/b-second.md":       file,
		"articles/a-first.md":        file,
		"articles/_wip.md":           file,
		"articles/.#a-first.md":      file,
		"articles/cover.png":         file,
		"articles/_drafts/later.md":  file,
		"articles/.git/HEAD.md":      file,
		"articles/_drafts/_index.md": file,
	}
	got, err := Files(fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"README.markdown", // markdown by another name, as in Hugo
		"_index.md",
		"about.md",
		"articles/_index.md",
		"articles/a-first.md",
		"articles/b-second.md",
		"services/_index.md", // fs.WalkDir's order: a folder before the file named like it
		"services.md",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFilesEmpty(t *testing.T) {
	got, err := Files(fstest.MapFS{"site.toml": {}})
	if err != nil || len(got) != 0 {
		t.Errorf("got %q, %v; want no files and no error", got, err)
	}
}

func TestFilesError(t *testing.T) {
	_, err := Files(errFS{})
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("got %v, want fs.ErrPermission", err)
	}
}

// errFS is a file system that cannot be read.
type errFS struct{}

func (errFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
}
