package build

import (
	"maps"
	"slices"
	"testing"
)

// TestWideFolders checks which folders the writer marks for ext4 to
// spread their folders: those that will hold at least wideDir folders.
func TestWideFolders(t *testing.T) {
	var names []string
	for i := range wideDir {
		names = append(names, "articles/a"+string(rune('a'+i%26))+string(rune('a'+i/26))+"/index.html")
	}
	names = append(names, "index.html", "tags/x/index.html", "tags/x/page/2/index.html", "assets/cards/a.png")
	w := newDirWriter(t.TempDir())
	w.plan(names)
	if got := slices.Sorted(maps.Keys(w.wide)); !slices.Equal(got, []string{"articles"}) {
		t.Errorf("wide folders %q, want [articles]", got)
	}
	w.plan(names[1:])
	if len(w.wide) != 0 {
		t.Errorf("one folder fewer: wide %v, want none", w.wide)
	}
	// On ext4 (as /tmp on the CI machines) the folder carries the flag.
	w.plan(names)
	if err := w.write(names[0], []byte("x")); err != nil {
		t.Fatal(err)
	}
	set, err := topDirFlag(w.root + "/articles")
	if err != nil {
		t.Skipf("this file system keeps no such flags (%v): the hint is for ext4", err)
	}
	if !set {
		t.Error("articles/: no top-directory flag after writing into it")
	}
	if set, _ := topDirFlag(w.root); set {
		t.Error("the site's folder is flagged, though it holds few folders")
	}
}
