//go:build unix

package build

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestShareCardCopiedAcrossFileSystems checks that a site written to
// another file system than the cache folder gets a copy of each card
// (a hard link cannot cross): /dev/shm is tmpfs where /tmp is not.
func TestShareCardCopiedAcrossFileSystems(t *testing.T) {
	shm, err := os.MkdirTemp("/dev/shm", "cards-")
	if err != nil {
		t.Skipf("no /dev/shm for a cache on another file system: %v", err)
	}
	defer os.RemoveAll(shm)
	o := cardSite(t, nil)
	o.Cache = shm
	var a, b syscall.Stat_t
	if syscall.Stat(shm, &a) != nil || syscall.Stat(filepath.Dir(o.Out), &b) != nil || a.Dev == b.Dev {
		t.Skip("the cache and the site are on one file system here")
	}
	if _, err := Build(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	name := checkCard(t, o.Out, "articles/plain/index.html", "plain", "Hiring Your First COO")
	published, err := os.Stat(filepath.Join(o.Out, name))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(shm, "cards", "*.png"))
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && os.SameFile(fi, published) {
			t.Errorf("%s is the cache's file across file systems", name)
		}
	}
	if len(files) == 0 || published.Mode().Perm() != 0o644 {
		t.Errorf("cache cards %v, published mode %v: want cards in the cache and a 0644 copy", files, published.Mode())
	}
}
