package preview

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/cassidine/site/internal/build"
	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/quiz"
)

// Watch watches the source folders until ctx ends, updating the session
// once the folders have been quiet for the debounce time after a change,
// so one save (often several file events) is one rebuild.
func (s *Server) Watch(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	for _, dir := range s.cfg.Dirs {
		if err := addTree(w, dir); err != nil {
			return err
		}
	}
	pending := map[build.Change]bool{}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-w.Errors:
			fmt.Fprintf(s.cfg.Errors, "watch: %v\n", err)
		case ev := <-w.Events:
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					// A new folder: watch it, and take the files that
					// arrived in it before the watch began.
					_ = addTree(w, ev.Name)
					_ = filepath.WalkDir(ev.Name, func(p string, d fs.DirEntry, err error) error {
						if err == nil && !d.IsDir() {
							s.note(pending, p)
						}
						return nil
					})
				}
			}
			if s.note(pending, ev.Name) {
				timer.Reset(s.cfg.Debounce)
			}
		case <-timer.C:
			changes := make([]build.Change, 0, len(pending))
			for c := range pending {
				changes = append(changes, c)
			}
			clear(pending)
			slices.SortFunc(changes, func(a, b build.Change) int { return strings.Compare(a.Root+a.Path, b.Root+b.Path) })
			s.rebuild(ctx, changes)
		}
	}
}

// note records a changed file, reporting whether it is a source file.
func (s *Server) note(pending map[build.Change]bool, name string) bool {
	c, ok := s.change(name)
	if ok {
		pending[c] = true
	}
	return ok
}

// change maps a file path to the source it is, ignoring editor droppings.
func (s *Server) change(name string) (build.Change, bool) {
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") || strings.HasPrefix(base, "#") {
		return build.Change{}, false
	}
	abs, _ := filepath.Abs(name)
	for root, dir := range s.cfg.Dirs {
		d, _ := filepath.Abs(dir)
		rel, err := filepath.Rel(d, abs)
		if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
			continue
		}
		rel = filepath.ToSlash(rel)
		switch root {
		case build.RootContent:
			ok := rel == content.SiteFile || rel == quiz.File || content.IsContentFile(rel) || isDir(name)
			return build.Change{Root: root, Path: rel}, ok
		case build.RootLayouts:
			return build.Change{Root: root, Path: rel}, filepath.Ext(rel) == ".html"
		}
		return build.Change{Root: root, Path: rel}, true
	}
	return build.Change{}, false
}

func isDir(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && fi.IsDir()
}

// rebuild applies changes and reports the result on the terminal and to
// open pages.
func (s *Server) rebuild(ctx context.Context, changes []build.Change) {
	names := make([]string, len(changes))
	for i, c := range changes {
		names[i] = c.Root + "/" + c.Path
	}
	what := strings.Join(names, ", ")
	if len(names) > 3 {
		what = fmt.Sprintf("%s and %d more", strings.Join(names[:3], ", "), len(names)-3)
	}
	u, err := s.cfg.Session.Apply(ctx, changes)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return
		}
		fmt.Fprintf(s.cfg.Errors, "rebuild after %s failed; serving the last good build:\n%v\n", what, err)
		s.Rebuilt(nil, err)
		return
	}
	kind := "reload"
	if u.CSSOnly {
		kind = "css swap"
	}
	fmt.Fprintf(s.cfg.Log, "changed %s: %d pages written, %d removed in %d ms (%s)\n", what, u.Pages, len(u.Removed), u.Elapsed.Milliseconds(), kind)
	s.Rebuilt(u, nil)
}

// addTree watches dir and every folder under it.
func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != dir {
				return filepath.SkipDir
			}
			return w.Add(p)
		}
		return nil
	})
}
