package e2e

import (
	"strings"
	"testing"
	"time"
)

// layoutShifts sums the page's layout shifts so far (those not caused by
// input), as Lighthouse's CLS does for a load, and lists what moved.
const layoutShifts = `new Promise((done) => {
  let sum = 0, moved = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      sum += e.value;
      for (const s of e.sources) {
        const n = s.node;
        moved.push((n ? n.nodeName + (n.className ? "." + n.className : "") : "?") + " " + e.value.toFixed(4));
      }
    }
  }).observe({ type: "layout-shift", buffered: true });
  setTimeout(() => done(sum.toFixed(4) + (moved.length ? ": " + moved.join(", ") : "")), 200);
})`

// headingOrder lists the headings of main whose level skips one (an h3
// straight after an h1), as Lighthouse's heading-order audit reads them.
const headingOrder = `(() => {
  let prev = 1, skips = [];
  for (const h of document.querySelectorAll("main :is(h1,h2,h3,h4,h5,h6)")) {
    if (h.closest("[hidden]")) continue;
    const level = +h.tagName[1];
    if (level > prev + 1) skips.push(h.tagName + " " + JSON.stringify(h.textContent.trim()) + " after h" + prev);
    prev = level;
  }
  return skips.join("; ");
})()`

// TestNoLayoutShift loads the two pages whose scripts change them, the quiz
// (one statement at a time) and the booking form (the times, fetched), on a
// phone and on a desktop, and checks that nothing shown moves when the
// scripts do their work, and that the headings the booking script adds
// follow the page's outline.
func TestNoLayoutShift(t *testing.T) {
	t.Parallel()
	srv := startServe(t, newSite(t))
	for _, vp := range []struct {
		name string
		opt  browserOption
	}{{"phone", phone(3)}, {"desktop", desktop}} {
		t.Run(vp.name, func(t *testing.T) {
			b := newBrowser(t, srv.Origin, vp.opt)
			for _, pg := range []struct{ path, ready string }{
				{"/quiz/", `!document.querySelector("[data-progress]").hidden`},
				{"/book/", `document.querySelectorAll(".day input[name=slot]").length > 0 && !document.querySelector("[aria-busy]")`},
			} {
				b.open(pg.path)
				b.waitJS(pg.path+": the script's work", pg.ready, stepTimeout)
				cls := eval[string](b, layoutShifts)
				if !strings.HasPrefix(cls, "0.00") {
					t.Errorf("%s: layout shift %s, want under 0.01", pg.path, cls)
				}
				if skips := eval[string](b, headingOrder); skips != "" {
					t.Errorf("%s: headings skip a level: %s", pg.path, skips)
				}
			}
		})
	}
}

// TestBookingHeadingsNoScript: the function's booking page, which lists
// the times itself, keeps the same outline.
func TestBookingHeadingsNoScript(t *testing.T) {
	t.Parallel()
	srv := startServe(t, newSite(t))
	b := newBrowser(t, srv.Origin, desktop, noScript)
	b.open("/api/book")
	b.waitJS("the times listed", `document.querySelectorAll(".day h3").length > 0`, 10*time.Second)
	if skips := eval[string](b, headingOrder); skips != "" {
		t.Errorf("/api/book: headings skip a level: %s", skips)
	}
}
