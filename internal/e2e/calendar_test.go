package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Journey: the consultant's calendar feed cannot be read, so booking is
// paused; the built /book/ page's script and the form without a script
// both say so and give the address to write to.
func TestJourneyCalendarPaused(t *testing.T) {
	t.Parallel()
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	defer feed.Close()
	srv := startServe(t, newSite(t), "CALENDAR_URLS="+feed.URL+"/private-feed/basic.ics")
	b := newBrowser(t, srv.Origin, desktop)

	b.open("/book/")
	b.waitJS("the paused note", `!document.querySelector("[data-slot-paused]").hidden`, stepTimeout)
	if got := b.text("[data-slot-paused]"); !strings.HasPrefix(got, "Online booking is paused for now") || !strings.Contains(got, "hello@cassidineconsulting.com") {
		t.Errorf("the paused note: %q", got)
	}
	if href := eval[string](b, `document.querySelector("[data-slot-paused] a").getAttribute("href")`); href != "mailto:hello@cassidineconsulting.com" {
		t.Errorf("the paused note's link: %q", href)
	}
	if hidden := eval[bool](b, `document.querySelector("[data-slot-status]").hidden`); !hidden {
		t.Error("the hint about times on the next step is still shown")
	}
	if n := eval[int](b, `document.querySelectorAll("[data-slot-list] input[name=slot]").length`); n != 0 {
		t.Errorf("%d times offered while paused", n)
	}

	// Without a script: the function's form says the same.
	status, page := srv.get(t, "/api/book")
	if status != http.StatusOK || !strings.Contains(page, "data-slot-paused>Online booking is paused") || strings.Contains(page, `name="slot"`) {
		t.Errorf("GET /api/book while paused: %d, no paused note or times offered", status)
	}
	if strings.Contains(srv.logs.String(), "private-feed") {
		t.Error("site serve's log shows the feed's secret address")
	}
}
