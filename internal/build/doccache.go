package build

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cassidine/site/internal/filecache"
	"github.com/cassidine/site/internal/markdown"
)

// docCache keeps rendered markdown between builds: a page whose markdown
// calls no shortcode (markdown.Standalone) renders the same whatever else
// the site holds, so its Doc is kept under a key of its markdown, the
// renderer's options and the program itself (filecache.Program: any
// change to the code makes every entry a miss). Pages with shortcodes
// are rendered every time: what they show depends on other pages.
//
// Entries live in CACHE/markdown/PROGRAM/, so a new program starts a new
// folder; a build keeps those of the keptOthers programs used last (an
// installed site beside go run's, say) and removes the rest, and any not
// used for a month.
type docCache struct {
	fc *filecache.Cache // nil: keeps nothing
	// dir holds a folder per program; fc keeps this program's.
	dir  string
	hits atomic.Int64 // pages whose Doc an earlier build made
	made sync.Map     // keys made by this builder: not an earlier build's
	// problem is the first entry that could not be kept: the build goes
	// on (its pages are right) and warns once (builder.collectWarnings).
	problem atomic.Pointer[error]
}

// docCacheVersion names the entries' encoding (markdown.Doc's
// MarshalBinary).
const docCacheVersion = "doc2"

// staleAfter is how long another program's folder is kept unused, and
// keptOthers how many such folders are kept at most.
const (
	staleAfter = 30 * 24 * time.Hour
	keptOthers = 2
)

// newDocCache returns the cache of rendered markdown under dir ("" keeps
// nothing, as does a program that cannot name itself).
func newDocCache(dir string) *docCache {
	prog := filecache.Program()
	if dir == "" || prog == "" {
		return &docCache{}
	}
	return &docCache{fc: filecache.New(filepath.Join(dir, prog[:16])), dir: dir}
}

// prune removes the folders of other programs but the keptOthers used
// last, and those no build used for staleAfter, and marks this program's
// as used now.
func (c *docCache) prune() {
	if c.fc == nil {
		return
	}
	now := time.Now()
	own := c.fc.Dir()
	_ = os.Chtimes(own, now, now) // absent until the first entry: fine
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	type folder struct {
		path string
		used time.Time
	}
	var others []folder
	for _, e := range entries {
		p := filepath.Join(c.dir, e.Name())
		if fi, err := e.Info(); err == nil && p != own && e.IsDir() {
			others = append(others, folder{p, fi.ModTime()})
		}
	}
	slices.SortFunc(others, func(a, b folder) int { return b.used.Compare(a.used) }) // last used first
	for i, f := range others {
		if i >= keptOthers || now.Sub(f.used) > staleAfter {
			os.RemoveAll(f.path)
		}
	}
}

// render renders src with md, or returns the Doc kept for it. Documents
// with problems are never kept.
func (c *docCache) render(md *markdown.Renderer, unsafe bool, src []byte, p markdown.Page) (*markdown.Doc, error) {
	if c.fc == nil || !markdown.Standalone(src) {
		return md.RenderPage(src, p)
	}
	var doc *markdown.Doc
	key := filecache.Key(docCacheVersion, strconv.FormatBool(unsafe), filecache.Sum(src))
	var renderErr error
	data, hit, err := c.fc.Do(key, func() ([]byte, error) {
		d, err := md.RenderPage(src, p)
		if err != nil {
			renderErr = err
			return nil, err
		}
		doc = d
		c.made.Store(key, true)
		return d.MarshalBinary()
	})
	switch {
	case renderErr != nil:
		return nil, renderErr // the markdown's problems, never kept
	case err != nil && doc != nil:
		c.problem.CompareAndSwap(nil, &err) // rendered, but not kept
		return doc, nil
	case err != nil:
		// Another page with the same text was rendering it and failed:
		// render this one, to tell its problems from the cache's.
		d, rerr := md.RenderPage(src, p)
		if rerr == nil {
			c.problem.CompareAndSwap(nil, &err)
		}
		return d, rerr
	}
	if doc != nil && !hit {
		return doc, nil // made by this call
	}
	// Kept by an earlier build, or made by a concurrent call for the same
	// markdown (two pages alike): a Doc of this page's own.
	d := new(markdown.Doc)
	if err := d.UnmarshalBinary(data); err != nil {
		return md.RenderPage(src, p) // unreadable: an entry of another encoding
	}
	if _, ours := c.made.Load(key); hit && !ours {
		c.hits.Add(1) // not another page of this build with the same text
	}
	return d, nil
}

// Problem returns why rendered markdown could not be kept, if it could
// not.
func (c *docCache) Problem() error {
	if p := c.problem.Load(); p != nil {
		return *p
	}
	return nil
}
