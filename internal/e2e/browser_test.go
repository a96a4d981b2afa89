package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const installChromium = "install Chromium: apt-get install chromium"

// findChromium returns Debian's Chromium, or skips (fails under CI=true).
func findChromium(t testing.TB) string {
	t.Helper()
	if fi, err := os.Stat("/usr/bin/chromium"); err == nil && !fi.IsDir() {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	requireTool(t, installChromium)
	return ""
}

// browser is one headless Chromium with one tab, a fresh profile, and a
// record of every request the tab made.
type browser struct {
	t      testing.TB
	ctx    context.Context
	origin string // the serve origin every request must go to
	rec    *recorder
}

// recorder keeps what the tab's network events said.
type recorder struct {
	mu        sync.Mutex
	requests  []string        // every request URL, in order
	responded map[string]bool // URLs whose response headers arrived
	problems  []string        // uncaught script errors and security (CSP) messages
}

// with returns the browser bound to another test (a subtest), so that its
// failures stop the right goroutine.
func (b *browser) with(t testing.TB) *browser {
	c := *b
	c.t = t
	return &c
}

// browserOption changes the tab before the first page loads.
type browserOption func(b *browser)

// newBrowser starts Chromium for a test against the server at origin. When
// the test ends it checks that every request the pages made stayed on that
// origin (data: URLs aside) and that no page threw an uncaught error, then
// stops the browser.
//
// The back/forward cache is off: site serve's live-reload EventSource is
// kept open by cached pages, and after six pages Chromium has no connection
// left for the next (TestServeBackForwardCache shows it with the cache on).
func newBrowser(t testing.TB, origin string, opts ...browserOption) *browser {
	return startBrowser(t, origin, false, opts...)
}

func startBrowser(t testing.TB, origin string, bfcache bool, opts ...browserOption) *browser {
	t.Helper()
	exe := findChromium(t)
	// The profile is removed after the browser stops: cleanups run last
	// in, first out.
	profile := t.TempDir()
	// DefaultExecAllocatorOptions disables these; the flag is set whole.
	disabled := "Translate,BlinkGenPropertyTrees"
	if !bfcache {
		disabled += ",BackForwardCache"
	}
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-features", disabled),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	b := &browser{t: t, origin: origin, rec: &recorder{responded: map[string]bool{}}}
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithListener(b.rec.listen))
	b.ctx = ctx
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	t.Cleanup(b.checkRequests)
	t.Cleanup(b.checkProblems)

	// The first run starts the browser; its context must outlive the test.
	start := make(chan error, 1)
	go func() { start <- chromedp.Do(ctx) }()
	select {
	case err := <-start:
		if err != nil {
			t.Fatalf("start Chromium: %v", err)
		}
	case <-time.After(startTimeout):
		t.Fatalf("Chromium did not start within %s", startTimeout)
	}
	cdpCall(b, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
	for _, o := range opts {
		o(b)
	}
	return b
}

// listen runs in the tab's event loop: it must return fast.
func (r *recorder) listen(ev any) {
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		r.mu.Lock()
		r.requests = append(r.requests, ev.Request.URL)
		r.mu.Unlock()
	case *network.EventResponseReceived:
		r.mu.Lock()
		r.responded[ev.Response.URL] = true
		r.mu.Unlock()
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := fmt.Sprintf("%s (%s:%d:%d)", d.Text, d.URL, d.LineNumber+1, d.ColumnNumber+1)
		if d.Exception != nil && d.Exception.Description != "" {
			msg = d.Exception.Description // the message and the stack
		}
		r.mu.Lock()
		r.problems = append(r.problems, "uncaught "+msg)
		r.mu.Unlock()
	case *cdplog.EventEntryAdded:
		if e := ev.Entry; e.Source == cdplog.EntrySourceSecurity {
			r.mu.Lock()
			r.problems = append(r.problems, fmt.Sprintf("%s %s: %s (%s)", e.Source, e.Level, e.Text, e.URL))
			r.mu.Unlock()
		}
	}
}

// checkRequests is the privacy check: every request went to the serve
// origin, or was a data: URL.
func (b *browser) checkRequests() {
	b.rec.mu.Lock()
	defer b.rec.mu.Unlock()
	requests := b.rec.requests
	if len(requests) == 0 {
		return
	}
	var bad []string
	for _, r := range requests {
		if strings.HasPrefix(r, "data:") {
			continue
		}
		u, err := url.Parse(r)
		if err != nil || u.Scheme+"://"+u.Host != b.origin {
			bad = append(bad, r)
		}
	}
	if len(bad) > 0 {
		b.t.Errorf("privacy: %d of %d requests left the serve origin %s:\n  %s", len(bad), len(requests), b.origin, strings.Join(bad, "\n  "))
	} else {
		b.t.Logf("privacy: all %d requests went to %s", len(requests), b.origin)
	}
}

// checkProblems fails the test for every uncaught script error and every
// security message (such as a Content-Security-Policy violation) the
// pages produced.
func (b *browser) checkProblems() {
	b.rec.mu.Lock()
	defer b.rec.mu.Unlock()
	count := map[string]int{}
	var order []string
	for _, p := range b.rec.problems {
		if count[p] == 0 {
			order = append(order, p)
		}
		count[p]++
	}
	for _, p := range order {
		b.t.Errorf("page problem (%d times): %s", count[p], p)
	}
}

// hasResponse reports whether response headers for the URL have arrived.
func (b *browser) hasResponse(u string) bool {
	b.rec.mu.Lock()
	defer b.rec.mu.Unlock()
	return b.rec.responded[u]
}

// step returns a context for one bounded browser step.
func (b *browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, stepTimeout)
}

// do runs actions with a bounded wait, and fails the test on an error.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v (at %s)", what, err, b.location())
	}
}

// location is the tab's URL, for messages.
func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// cdpCall sends one protocol command to the tab.
func cdpCall[P, R any](b *browser, cmd cdp.Command[P, R], params P) R {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	r, err := chromedp.Call(ctx, cmd, params)
	if err != nil {
		b.t.Fatalf("%s: %v", cmd.Method, err)
	}
	return r
}

// run runs an action that returns a value.
func run[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v (at %s)", what, err, b.location())
	}
	return v
}

// eval evaluates a JavaScript expression in the page (promises awaited).
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	return run(b, "evaluate "+abbrev(expr), chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

func abbrev(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// open navigates to a path on the serve origin and waits for the load.
func (b *browser) open(path string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.origin+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	if resp != nil && resp.Status >= 500 {
		b.t.Fatalf("open %s: HTTP %d", path, resp.Status)
	}
}

// navigate runs actions that cause a page load (a click on a link, a form
// submission) and returns the new document's HTTP status.
func (b *browser) navigate(what string, actions ...chromedp.Action[chromedp.Void]) int64 {
	b.t.Helper()
	b.settle()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		b.t.Fatalf("%s: %v (at %s)", what, err, b.location())
	}
	if resp == nil {
		b.t.Fatalf("%s: no response", what)
	}
	return resp.Status
}

// pathname is the tab's location.pathname + search.
func (b *browser) pathname() string {
	b.t.Helper()
	return eval[string](b, `location.pathname + location.search`)
}

// waitJS polls a JavaScript expression until it is true, across page loads
// (each poll is a new evaluation), for at most d.
func (b *browser) waitJS(what, expr string, d time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(d)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("%s: not within %s (last error: %v; at %s)", what, d, last, b.location())
}

// text is the visible text of the first element matching the CSS selector.
func (b *browser) text(sel string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(document.querySelector(%q) || {innerText: ""}).innerText`, sel))
}

// ---- emulation ----

// phone is a phone-sized viewport (390×844 CSS pixels) with mobile and
// touch emulation, at the device scale of a current phone.
func phone(scale float64) browserOption {
	return func(b *browser) {
		b.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(scale), chromedp.EmulateMobile, chromedp.EmulateTouch))
	}
}

// desktop is a 1280×900 viewport.
func desktop(b *browser) {
	b.do("desktop viewport", chromedp.EmulateViewport(1280, 900))
}

// timeZone sets the browser's time zone.
func timeZone(id string) browserOption {
	return func(b *browser) {
		cdpCall(b, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: id})
	}
}

// noScript turns the page's JavaScript off (the test's own evaluations
// still run).
func noScript(b *browser) {
	cdpCall(b, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
}

// colorScheme emulates prefers-color-scheme: "light" or "dark".
func (b *browser) colorScheme(scheme string) {
	b.t.Helper()
	cdpCall(b, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
}

// settle waits until the page has stopped scrolling (the site scrolls
// smoothly, and focus() scrolls too), so that a click lands where the
// element is: scrollY unchanged over three reads 50 ms apart, 3 s at most.
// It reads from Go, so it works with the page's JavaScript off.
func (b *browser) settle() {
	b.t.Helper()
	last, same := -1.0, 0
	for deadline := time.Now().Add(3 * time.Second); same < 3 && time.Now().Before(deadline); {
		y := eval[float64](b, `scrollX * 100000 + scrollY`)
		if y == last {
			same++
		} else {
			same = 0
		}
		last = y
		time.Sleep(50 * time.Millisecond)
	}
}

// click settles the page, then clicks the first element the CSS selector
// matches.
func (b *browser) click(sel string) {
	b.t.Helper()
	b.settle()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// clickNav clicks, waits for the page the click loads and returns its HTTP
// status.
func (b *browser) clickNav(sel string) int64 {
	b.t.Helper()
	return b.navigate("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// typeInto types text into the element with the id.
func (b *browser) typeInto(id, text string) {
	b.t.Helper()
	b.do("type into #"+id, chromedp.SendKeys(chromedp.ID(id), text))
}
