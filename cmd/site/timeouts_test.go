package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/cassidine/site/internal/build"
	"github.com/cassidine/site/internal/preview"
	"github.com/cassidine/site/internal/theme"
)

// TestServeTimeouts runs site serve's HTTP server (newHTTPServer) over its
// preview handler with short timeouts: a client that stalls in its headers
// is cut off, while the live-reload stream keeps going past the write
// timeout.
func TestServeTimeouts(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, "testdata/site", dir)
	writeFile(t, dir+"/content/site.toml", "title = \"T\"\nbaseURL = \"https://example.com/\"\n")
	writeFile(t, dir+"/content/_index.md", "---\ntitle: Home\n---\nHello.\n")
	session := build.NewSession(build.Options{Sources: theme.Sources{Content: os.DirFS(dir + "/content"), Layouts: os.DirFS(dir + "/layouts"), Static: os.DirFS(dir + "/static")}, Dev: true})
	if _, err := session.Build(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv, err := preview.New(preview.Config{Session: session, Dirs: map[string]string{}, Log: io.Discard, Errors: io.Discard, Keepalive: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	short := timeouts{header: 200 * time.Millisecond, read: 300 * time.Millisecond, write: 300 * time.Millisecond, idle: 300 * time.Millisecond}
	hs := newHTTPServer(t.Context(), srv.Handler(), short)
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })

	// A client that sends half a request and waits is disconnected.
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	io.ReadAll(c) // returns when the server closes the connection
	if waited := time.Since(start); waited > 3*time.Second {
		t.Errorf("a stalled request was kept open %v; want it closed after the header timeout (%v)", waited, short.header)
	}

	// The event stream outlives the write timeout: keepalives still arrive
	// well after it.
	resp, err := http.Get("http://" + ln.Addr().String() + "/_site/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(5 * time.Second)
	opened := time.Now()
	for time.Since(opened) < 3*short.write {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("the event stream ended after %v; want it open past the write timeout (%v)", time.Since(opened), short.write)
			}
			_ = line
		case <-deadline:
			t.Fatal("no keepalive within 5s")
		}
	}
}
