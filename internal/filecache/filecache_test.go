package filecache

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

func TestDoStoresAndReuses(t *testing.T) {
	c := New(t.TempDir())
	key := Key("test", "1")
	var calls int
	mk := func() ([]byte, error) { calls++; return []byte("payload"), nil }

	data, hit, err := c.Do(key, mk)
	if err != nil || hit || string(data) != "payload" {
		t.Fatalf("first Do = %q, hit %v, err %v; want payload, miss", data, hit, err)
	}
	// A new Cache over the same folder stands for the next build.
	data, hit, err = New(c.Dir()).Do(key, mk)
	if err != nil || !hit || string(data) != "payload" {
		t.Fatalf("second Do = %q, hit %v, err %v; want payload, hit", data, hit, err)
	}
	if calls != 1 {
		t.Errorf("maker ran %d times, want 1", calls)
	}
}

func TestCorruptEntriesAreMadeAgain(t *testing.T) {
	corruptions := map[string]func([]byte) []byte{
		"truncated":   func(b []byte) []byte { return b[:len(b)-3] },
		"flipped bit": func(b []byte) []byte { b[len(b)-1] ^= 1; return b },
		"empty":       func([]byte) []byte { return nil },
		"foreign":     func([]byte) []byte { return []byte("\x89PNG not ours") },
	}
	for name, corrupt := range corruptions {
		t.Run(name, func(t *testing.T) {
			c := New(t.TempDir())
			key := Key(name)
			if err := c.Put(key, []byte("the real payload")); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(c.Dir(), key)
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, corrupt(b), 0o644); err != nil {
				t.Fatal(err)
			}
			if got, ok := c.Get(key); ok {
				t.Fatalf("Get served a corrupt entry: %q", got)
			}
			data, hit, err := c.Do(key, func() ([]byte, error) { return []byte("remade"), nil })
			if err != nil || hit || string(data) != "remade" {
				t.Fatalf("Do = %q, hit %v, err %v; want remade, miss", data, hit, err)
			}
			if got, ok := c.Get(key); !ok || string(got) != "remade" {
				t.Errorf("after remaking, Get = %q, %v; want remade, true", got, ok)
			}
		})
	}
}

func TestConcurrentCallsMakeOnce(t *testing.T) {
	c := New(t.TempDir())
	var calls atomic.Int32
	release := make(chan struct{})
	mk := func() ([]byte, error) {
		calls.Add(1)
		<-release // hold the maker while the other callers arrive
		return []byte("once"), nil
	}
	const n = 8
	var wg sync.WaitGroup
	results := make([][]byte, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data, _, err := c.Do("k", mk)
			if err != nil {
				t.Error(err)
			}
			results[i] = data
		}()
	}
	// Callers arriving while the maker runs wait for it; any arriving
	// after it finish find the entry on disk. Either way it runs once.
	for {
		c.mu.Lock()
		started := len(c.inflight) == 1
		c.mu.Unlock()
		if started && calls.Load() == 1 {
			break
		}
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if got := calls.Load(); got != 1 {
		t.Errorf("maker ran %d times, want 1", got)
	}
	for i, r := range results {
		if string(r) != "once" {
			t.Errorf("caller %d got %q, want once", i, r)
		}
	}
	assertNoTempFiles(t, c.Dir())
}

func TestMakerErrorIsNotStored(t *testing.T) {
	c := New(t.TempDir())
	boom := errors.New("boom")
	if _, _, err := c.Do("k", func() ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if _, ok := c.Get("k"); ok {
		t.Error("a failed make left an entry")
	}
}

func TestPanickingMakerReleasesWaiters(t *testing.T) {
	c := New("")
	func() {
		defer func() { recover() }()
		c.Do("k", func() ([]byte, error) { panic("boom") })
	}()
	data, _, err := c.Do("k", func() ([]byte, error) { return []byte("ok"), nil })
	if err != nil || string(data) != "ok" {
		t.Errorf("Do after a panic = %q, %v; want ok", data, err)
	}
}

func TestEmptyDirAndNilCacheKeepNothing(t *testing.T) {
	for name, c := range map[string]*Cache{"empty dir": New(""), "nil": nil} {
		for range 2 {
			data, hit, err := c.Do("k", func() ([]byte, error) { return []byte("x"), nil })
			if err != nil || hit || !bytes.Equal(data, []byte("x")) {
				t.Errorf("%s: Do = %q, hit %v, err %v; want x, miss", name, data, hit, err)
			}
		}
	}
}

func TestUnwritableFolderIsAnError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// The folder's path is a file: nothing can be written under it.
	if _, _, err := New(file).Do("k", func() ([]byte, error) { return []byte("x"), nil }); err == nil {
		t.Error("Do under a file succeeded, want an error")
	}
}

func TestKeyIsLengthPrefixed(t *testing.T) {
	if Key("ab", "c") == Key("a", "bc") {
		t.Error(`Key("ab", "c") == Key("a", "bc")`)
	}
	if Key("a") != Key("a") {
		t.Error("Key is not deterministic")
	}
}

func assertNoTempFiles(t testing.TB, dir string) {
	t.Helper()
	tmp, _ := filepath.Glob(filepath.Join(dir, ".tmp-*"))
	if len(tmp) > 0 {
		t.Errorf("temporary files left behind: %v", tmp)
	}
}
