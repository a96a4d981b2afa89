package build

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// dirWriter writes files under a folder, creating each folder once.
type dirWriter struct {
	root string
	mu   sync.Mutex
	dirs map[string]bool // made (or found), by slash path under root
	// wide are the folders that will hold at least wideDir folders
	// (articles/): marked for ext4 to spread those (spreadChildren).
	wide map[string]bool
	// noLinks is set once a hard link failed (another file system, or
	// one without links): link copies from then on.
	noLinks atomic.Bool
}

func newDirWriter(root string) *dirWriter {
	return &dirWriter{root: root, dirs: map[string]bool{".": true}}
}

func (w *dirWriter) write(name string, data []byte) error {
	if err := w.mkdir(path.Dir(name)); err != nil {
		return err
	}
	return writeNew(filepath.Join(w.root, filepath.FromSlash(name)), data)
}

// link publishes file as name: a hard link, so the site's copy costs no
// data and no new inode, else (the cache on another file system, say) a
// copy. The file must never be changed in place: the cache's files are
// written to a new file and renamed.
func (w *dirWriter) link(name, file string) error {
	if err := w.mkdir(path.Dir(name)); err != nil {
		return err
	}
	dst := filepath.Join(w.root, filepath.FromSlash(name))
	if !w.noLinks.Load() {
		if err := os.Link(file, dst); err == nil {
			return nil
		}
		w.noLinks.Store(true)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	return writeNew(dst, data)
}

// mkdir makes dir and its missing parents: one mkdir each, as the
// writer knows which exist (os.MkdirAll would stat every one first).
func (w *dirWriter) mkdir(dir string) error {
	w.mu.Lock()
	made := w.dirs[dir]
	w.mu.Unlock()
	if made {
		return nil
	}
	if err := w.mkdir(path.Dir(dir)); err != nil {
		return err
	}
	// Another worker may have just made it: that is success too.
	if err := os.Mkdir(filepath.Join(w.root, filepath.FromSlash(dir)), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	if w.wide[dir] {
		spreadChildren(filepath.Join(w.root, filepath.FromSlash(dir)))
	}
	w.mu.Lock()
	w.dirs[dir] = true
	w.mu.Unlock()
	return nil
}

// wideDir is how many folders make a folder wide (see dirWriter.wide).
const wideDir = 64

// plan notes which folders the outputs named will fill with folders.
func (w *dirWriter) plan(names []string) {
	children := map[string]map[string]bool{}
	for _, name := range names {
		for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
			parent := path.Dir(dir)
			if children[parent] == nil {
				children[parent] = map[string]bool{}
			}
			if children[parent][dir] {
				break // and its parents are counted too
			}
			children[parent][dir] = true
		}
	}
	w.wide = map[string]bool{}
	for dir, c := range children {
		if len(c) >= wideDir {
			w.wide[dir] = true
		}
	}
	if w.wide["."] {
		spreadChildren(w.root) // made before the plan
	}
}
