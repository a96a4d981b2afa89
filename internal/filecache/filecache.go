// Package filecache keeps generated files (resized images, share cards)
// in a folder between builds, so a rebuild reuses what an earlier build
// made instead of making it again.
//
// Entries are named by a key: a hash of everything that determines the
// output (the input's bytes, the settings, and the generator's version, so
// changing the code invalidates old entries). Each entry file holds a
// checksum of its payload; an entry that fails it (a truncated write, a
// flipped bit, a stray file) is removed and made again, never served.
//
// Writes go to a temporary file in the same folder and are renamed into
// place, so a reader (another goroutine, or another process such as a
// second `site build`) sees either the whole entry or none. Within one
// process, concurrent calls for the same key wait for a single maker.
//
// A cache made with NewFiles keeps each entry exactly as made, in a file
// named by its key and an extension, and tells a whole entry from a
// damaged one with a check of the format's own (a PNG's chunk checksums):
// a builder can then link the entry into its output (File) rather than
// write a copy of it.
//
// Old entries are never pruned: deleting the folder is always safe and
// only costs the next build the time to make them again.
package filecache

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// magic starts every entry file; it names this format's version.
var magic = []byte("filecache1\n")

// Cache is a folder of entries. It is safe for concurrent use. A nil
// *Cache caches nothing; one with an empty folder caches nothing on disk
// but still runs one maker per key at a time.
type Cache struct {
	dir string
	// For NewFiles: entries are stored as made, named key+ext, and whole
	// when check says so.
	ext   string
	check func([]byte) bool
	// readOnly uses the entries the folder holds but writes nothing: no
	// new entries, no removal of damaged ones (site check).
	readOnly bool

	mu       sync.Mutex
	inflight map[string]*call
}

// call is one maker running for a key; waiters block on done.
type call struct {
	done chan struct{}
	data []byte
	hit  bool
	err  error
}

// New returns a cache keeping its entries in dir, which is created when
// the first entry is written. An empty dir keeps nothing.
func New(dir string) *Cache {
	return &Cache{dir: dir, inflight: map[string]*call{}}
}

// NewFiles returns a cache keeping each entry in dir exactly as made, in a
// file named key+ext, so File can hand out its path. check reports whether
// a file read back is whole; an entry that fails it is made again. An
// empty dir keeps nothing.
func NewFiles(dir, ext string, check func([]byte) bool) *Cache {
	c := New(dir)
	c.ext, c.check = ext, check
	return c
}

// ReadOnly makes c use the entries its folder holds but write nothing,
// for a run that must leave the disk as it found it (site check): what
// it makes is returned, not kept.
func (c *Cache) ReadOnly() {
	if c != nil {
		c.readOnly = true
	}
}

// Dir returns the cache's folder ("" when it keeps nothing).
func (c *Cache) Dir() string {
	if c == nil {
		return ""
	}
	return c.dir
}

// Key hashes its parts into an entry key. Parts are length-prefixed, so
// ("ab", "c") and ("a", "bc") give different keys.
func Key(parts ...string) string {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Sum returns a hex hash of data, for use as a Key part standing for
// content too large to pass as a string.
func Sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// Do returns the entry for key, calling fn to produce it when the
// folder has no valid entry, and storing what fn returns. hit reports
// that the data came from the folder: no call made it. Concurrent calls
// share one result, so callers must not modify the returned slice.
//
// A failure to write the entry is returned as an error: a cache that
// silently stops caching would make every build slow for no visible
// reason.
func (c *Cache) Do(key string, fn func() ([]byte, error)) (data []byte, hit bool, err error) {
	if c == nil {
		data, err = fn()
		return data, false, err
	}
	c.mu.Lock()
	if cl, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		<-cl.done
		return cl.data, cl.hit, cl.err
	}
	// Waiters see this error only if fn panics.
	cl := &call{done: make(chan struct{}), err: fmt.Errorf("cache: making entry %s panicked", key)}
	c.inflight[key] = cl
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.inflight, key)
		c.mu.Unlock()
		close(cl.done)
	}()
	cl.data, cl.hit, cl.err = c.do(key, fn)
	return cl.data, cl.hit, cl.err
}

func (c *Cache) do(key string, fn func() ([]byte, error)) ([]byte, bool, error) {
	if data, ok := c.Get(key); ok {
		return data, true, nil
	}
	data, err := fn()
	if err != nil {
		return nil, false, err
	}
	if err := c.Put(key, data); err != nil {
		return nil, false, err
	}
	return data, false, nil
}

// File is Do for a cache made with NewFiles: it makes sure the folder
// holds a whole entry for key, calling fn when it does not, and returns
// that entry's file. The file must not be changed: link it or copy it.
// A cache that keeps nothing returns "" and fn's data, for the caller to
// write.
func (c *Cache) File(key string, fn func() ([]byte, error)) (file string, data []byte, hit bool, err error) {
	data, hit, err = c.Do(key, fn)
	if err != nil || c.Dir() == "" || c.check == nil {
		return "", data, hit, err
	}
	return c.path(key), data, hit, nil
}

// path returns the entry file for key.
func (c *Cache) path(key string) string { return filepath.Join(c.dir, key+c.ext) }

// Get returns the payload stored under key. An entry that exists but
// fails its checksum is removed and reported as missing.
func (c *Cache) Get(key string) ([]byte, bool) {
	if c.Dir() == "" {
		return nil, false
	}
	b, err := readFile(c.path(key))
	if err != nil {
		return nil, false
	}
	payload, ok := c.decode(b)
	if !ok {
		if !c.readOnly {
			os.Remove(c.path(key)) // corrupt: make it again
		}
		return nil, false
	}
	return payload, true
}

// Put stores data under key, atomically: readers see the old entry, no
// entry, or the whole new one.
func (c *Cache) Put(key string, data []byte) error {
	if c.Dir() == "" || c.readOnly {
		return nil
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	f, err := os.CreateTemp(c.dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if c.check != nil {
		// Published as it is (linked into a site): readable by all, as
		// the site's other files.
		if err = f.Chmod(0o644); err == nil {
			_, err = f.Write(data)
		}
	} else {
		sum := sha256.Sum256(data)
		_, err = f.Write(append(append(append([]byte{}, magic...), sum[:]...), data...))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), c.path(key))
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cache: write %s: %w", c.path(key), err)
	}
	return nil
}

// decode checks an entry file (its magic and checksum, or the cache's
// check) and returns its payload.
func (c *Cache) decode(b []byte) ([]byte, bool) {
	if c.check != nil {
		return b, c.check(b)
	}
	if !bytes.HasPrefix(b, magic) || len(b) < len(magic)+sha256.Size {
		return nil, false
	}
	b = b[len(magic):]
	payload := b[sha256.Size:]
	sum := sha256.Sum256(payload)
	if !bytes.Equal(sum[:], b[:sha256.Size]) {
		return nil, false
	}
	return payload, true
}

// Program returns a hash naming the running program's code, for entries
// that the code alone determines (rendered markdown): they are valid for
// this program only. It hashes the executable's Go build ID (which changes
// with any change to the code, its modules or the toolchain), else the
// whole executable; it is "" when neither can be read, and then such
// entries must not be kept. On Linux the running image is read through
// /proc/self/exe, so an executable replaced under a running process
// (go install during site serve) does not lend it the new one's name.
var Program = sync.OnceValue(func() string {
	exe := "/proc/self/exe"
	if _, err := os.Stat(exe); err != nil {
		if exe, err = os.Executable(); err != nil {
			return ""
		}
	}
	if f, err := elf.Open(exe); err == nil {
		defer f.Close()
		if s := f.Section(".note.go.buildid"); s != nil {
			if id, err := s.Data(); err == nil && len(id) > 0 {
				return Sum(id)
			}
		}
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		return ""
	}
	return Sum(data)
})
