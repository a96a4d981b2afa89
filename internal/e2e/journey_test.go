package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

var resultPathRE = regexp.MustCompile(`^/quiz/result/([a-z2-7]{26})/$`)

// The answers the journeys give, by statement: indexes into the scale
// Never, Rarely, Sometimes, Often, Always.
var journeyAnswers = []int{2, 3, 1, 4, 0, 3, 2, 4, 1, 3, 2, 0, 4, 3, 1}

// visibleStep is the index of the one visible [data-step], or -1 when none
// or more than one is visible.
const visibleStep = `(() => {
	const steps = [...document.querySelectorAll("[data-step]")];
	const shown = steps.filter(s => s.getClientRects().length > 0);
	return shown.length === 1 ? steps.indexOf(shown[0]) : -(shown.length + 1);
})()`

// spaces turns the narrow no-break spaces Intl puts before AM/PM into
// plain ones.
func spaces(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\u202f' || r == '\u00a0' }), " ")
}

// Journey 1: a prospect on a phone, in India, reads the explainer, takes
// the quiz with the keyboard only, and books a consultation with the
// result attached; the booking is stored and both emails arrive.
func TestJourneyPhoneQuizAndBooking(t *testing.T) {
	t.Parallel()
	mp := startMailpit(t)
	srv := startServe(t, newSite(t), mp.env()...)
	b := newBrowser(t, srv.Origin, phone(3), timeZone("Asia/Kolkata"))

	// Home, then the explainer by its link.
	b.open("/")
	if w := eval[int](b, `innerWidth`); w != 390 {
		t.Errorf("phone viewport: got innerWidth %d, want 390", w)
	}
	if st := b.clickNav(`main a[href="/articles/what-is-a-fractional-coo/"]`); st != 200 {
		t.Fatalf("explainer: HTTP %d", st)
	}
	if p := b.pathname(); p != "/articles/what-is-a-fractional-coo/" {
		t.Fatalf("after the click: at %s, want the explainer", p)
	}
	if h := b.text("h1"); h != "What Is a Fractional COO?" {
		t.Errorf("explainer h1: %q", h)
	}

	// The quiz, from the article's call to action.
	b.clickNav(`.cta a[href="/quiz/"]`)
	if p := b.pathname(); p != "/quiz/" {
		t.Fatalf("after the click: at %s, want /quiz/", p)
	}
	eval[bool](b, `window.__e2eDocument = "quiz"; true`) // gone if the page reloads
	n := eval[int](b, `document.querySelectorAll("[data-step]").length`)
	if n != len(journeyAnswers) {
		t.Fatalf("the quiz has %d statements; the journey answers %d", n, len(journeyAnswers))
	}
	if eval[bool](b, `document.querySelector("[data-progress]").hidden`) {
		t.Fatal("the progress bar is hidden: quiz.js did not run")
	}
	var progress []int
	for i, pick := range journeyAnswers {
		if got := eval[int](b, visibleStep); got != i {
			t.Fatalf("statement %d: visible step %d, want exactly one visible, number %d (a negative value is minus one more than the count shown)", i+1, got, i)
		}
		// Focus a radio: the first by focus(), the others by Tab from the
		// legend the script focuses after Next.
		if i == 0 {
			b.do("focus the first radio", chromedp.Focus(chromedp.CSS(`[data-step]:not([hidden]) input[type=radio]`)))
		} else {
			b.do("Tab into the statement", chromedp.KeyEvent(kb.Tab))
		}
		if !eval[bool](b, `document.activeElement.type === "radio" && !!document.activeElement.closest("[data-step]:not([hidden])")`) {
			t.Fatalf("statement %d: focus is on %s, want a radio of the statement", i+1, eval[string](b, `document.activeElement.outerHTML`))
		}
		// Choose with the keyboard: Space checks the first option, each
		// arrow moves to the next one and checks it.
		if pick == 0 {
			b.do("Space on the radio", chromedp.KeyEvent(" "))
		} else {
			for range pick {
				b.do("ArrowRight", chromedp.KeyEvent(kb.ArrowRight))
			}
		}
		got := eval[string](b, `(document.querySelector("[data-step]:not([hidden]) input[type=radio]:checked") || {value: "none"}).value`)
		if got != fmt.Sprint(pick) {
			t.Fatalf("statement %d: checked %s, want %d", i+1, got, pick)
		}
		progress = append(progress, eval[int](b, `document.getElementById("quiz-progress-bar").value`))
		if progress[i] != i+1 {
			t.Errorf("statement %d: progress bar at %d, want %d", i+1, progress[i], i+1)
		}
		if i == len(journeyAnswers)-1 {
			b.do("Enter on the last statement", chromedp.KeyEvent(kb.Enter))
			break
		}
		// Next: Enter on the radio (the form's own submit, which the script
		// turns into Next), or every third statement Tab to Next and Space.
		if i%3 == 1 {
			for range 4 {
				b.do("Tab", chromedp.KeyEvent(kb.Tab))
				if eval[bool](b, `document.activeElement.textContent === "Next"`) {
					break
				}
			}
			if !eval[bool](b, `document.activeElement.textContent === "Next"`) {
				t.Fatalf("statement %d: Tab did not reach Next; focus on %s", i+1, eval[string](b, `document.activeElement.outerHTML`))
			}
			b.do("Space on Next", chromedp.KeyEvent(" "))
		} else {
			b.do("Enter on the radio", chromedp.KeyEvent(kb.Enter))
		}
		b.waitJS(fmt.Sprintf("statement %d shown", i+2), fmt.Sprintf(`%s === %d`, visibleStep, i+1), stepTimeout)
	}
	t.Logf("progress bar after each answer: %v", progress)

	// The result, in place: the URL changes by pushState, no page load.
	b.waitJS("the result in the page", `!document.getElementById("quiz-result").hidden && /^\/quiz\/result\/[a-z2-7]{26}\/$/.test(location.pathname)`, stepTimeout)
	if !eval[bool](b, `window.__e2eDocument === "quiz"`) {
		t.Error("the result came with a page load; want it shown in place")
	}
	m := resultPathRE.FindStringSubmatch(b.pathname())
	if m == nil {
		t.Fatalf("result URL %q", b.pathname())
	}
	resultID := m[1]
	if !eval[bool](b, `!!document.querySelector("#quiz-result svg[role=img]")`) {
		t.Error("the result has no chart (svg[role=img])")
	}
	if !eval[bool](b, `document.activeElement && document.activeElement.id === "result-title"`) {
		t.Errorf("after the result: focus on %s, want the result's heading", eval[string](b, `document.activeElement.outerHTML.slice(0, 120)`))
	}
	band := b.text("#result-title")
	t.Logf("result %s: %q", resultID, band)

	// Book a consultation, with the result attached.
	b.clickNav(`#quiz-result a.button[href^="/api/book?result="]`)
	if p, want := b.pathname(), "/api/book?result="+resultID; p != want {
		t.Fatalf("booking page: at %s, want %s", p, want)
	}
	if s := b.text(".notice"); !strings.Contains(s, "Your quiz result is attached") {
		t.Errorf("booking page notice %q, want the result attached", s)
	}
	// Chromium's Intl names the zone by its CLDR id, Asia/Calcutta, an
	// alias of Asia/Kolkata: right for the tz field and the email, but the
	// page should name the zone as the visitor knows it.
	hint := b.text(".slots .hint")
	if !strings.Contains(hint, "Asia/Kolkata") {
		t.Errorf("booking page hint %q, want the visitor's zone named Asia/Kolkata (Intl's resolvedOptions().timeZone gives the old CLDR alias Asia/Calcutta; book.js should show the current IANA name)", hint)
	}
	tz := eval[string](b, `document.querySelector("input[name=tz]").value`)
	if tz != "Asia/Kolkata" && tz != "Asia/Calcutta" {
		t.Errorf("tz field %q, want Asia/Kolkata (or its alias Asia/Calcutta)", tz)
	}
	if v := eval[string](b, `document.querySelector("input[name=result]").value`); v != resultID {
		t.Errorf("result field %q, want %s", v, resultID)
	}
	// The first time is labelled in Kolkata time.
	slot := eval[string](b, `document.querySelector("input[name=slot]").value`)
	label := spaces(eval[string](b, `document.querySelector("input[name=slot]").nextElementSibling.textContent`))
	day := b.text(".day h3")
	start, err := time.Parse(time.RFC3339, slot)
	if err != nil {
		t.Fatalf("slot value %q: %v", slot, err)
	}
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	if want := start.In(kolkata).Format("3:04 PM"); label != want {
		t.Errorf("first time labelled %q, want %q (Asia/Kolkata)", label, want)
	}
	if want := start.In(kolkata).Format("Monday, January 2"); day != want {
		t.Errorf("first day labelled %q, want %q (Asia/Kolkata)", day, want)
	}
	t.Logf("booking hint %q; first time %s = %s, %s", hint, slot, day, label)

	b.click(`input[name=slot]`)
	b.typeInto("f-name", "Priya Raman")
	b.typeInto("f-email", "priya@example.com")
	b.typeInto("f-company", "Raman Logistics")
	b.typeInto("f-role", "CEO")
	b.do("choose a company size", chromedp.SetValue(chromedp.ID("f-size"), "51-200 people"))
	b.click("#c-0")
	b.typeInto("f-message", "We are growing fast.")
	b.click("#f-consent")
	if st := b.clickNav(`[data-submit]`); st != 200 {
		t.Fatalf("booking: HTTP %d at %s: %s", st, b.pathname(), b.text("main"))
	}
	if p := b.pathname(); !strings.HasPrefix(p, "/api/book/done?b=") {
		t.Fatalf("after booking: at %s: %s", p, b.text("main"))
	}
	if h := b.text("h1"); h != "Your session is booked" {
		t.Errorf("confirmation h1 %q", h)
	}
	if s := b.text(".lede"); !strings.Contains(s, "Thank you, Priya Raman") {
		t.Errorf("confirmation lede %q", s)
	}

	// The store has the booking, with the result.
	list := srv.bookings(t)
	if len(list) != 1 {
		t.Fatalf("got %d bookings, want 1", len(list))
	}
	bk := list[0]
	if bk.QuizResult != resultID || bk.Email != "priya@example.com" || !bk.Start.Equal(start) || bk.CancelledAt != nil {
		t.Errorf("booking: result %q email %q start %s cancelled %v; want %s priya@example.com %s active",
			bk.QuizResult, bk.Email, bk.Start, bk.CancelledAt, resultID, start)
	}

	// The emails: the prospect's with the invite, the consultant's notice
	// with the quiz band.
	conf := mp.waitFor("priya@example.com", "Your advisory session")
	if ics := mp.invite(conf); !strings.Contains(ics, "METHOD:REQUEST") || !strings.Contains(ics, "UID:"+bk.ID+"@") {
		t.Errorf("confirmation invite: want METHOD:REQUEST and UID %s@…:\n%s", bk.ID, ics)
	}
	if !strings.Contains(conf.Text, "("+tz+")") {
		t.Errorf("confirmation text lacks the time in the visitor's zone:\n%s", conf.Text)
	}
	notice := mp.waitFor(consultantEmail, "New booking")
	if !strings.Contains(notice.Text, band) || !strings.Contains(notice.Text, "/quiz/result/"+resultID+"/") {
		t.Errorf("consultant notice lacks the quiz band %q or the result link:\n%s", band, notice.Text)
	}
}

// Journey 2: the same quiz and booking with JavaScript off: plain forms
// and server-rendered pages all the way.
func TestJourneyNoScript(t *testing.T) {
	t.Parallel()
	srv := startServe(t, newSite(t))
	b := newBrowser(t, srv.Origin, desktop, noScript)

	b.open("/quiz/")
	if !eval[bool](b, `document.querySelector("[data-progress]").hidden`) {
		t.Error("without JavaScript the progress bar shows")
	}
	shown := eval[int](b, `[...document.querySelectorAll("[data-step]")].filter(s => s.getClientRects().length > 0).length`)
	if shown != len(journeyAnswers) {
		t.Fatalf("without JavaScript %d statements show, want all %d", shown, len(journeyAnswers))
	}
	names := eval[[]string](b, `[...new Set([...document.querySelectorAll("input[type=radio]")].map(r => r.name))]`)
	if len(names) != len(journeyAnswers) {
		t.Fatalf("%d radio groups, want %d", len(names), len(journeyAnswers))
	}
	for i, name := range names {
		b.click(fmt.Sprintf(`input[name=%q][value="%d"]`, name, journeyAnswers[i]))
	}
	if st := b.clickNav(`form[data-quiz] button:not([type=button])`); st != 200 {
		t.Fatalf("quiz result: HTTP %d: %s", st, b.text("main"))
	}
	m := resultPathRE.FindStringSubmatch(b.pathname())
	if m == nil {
		t.Fatalf("after the quiz: at %s, want /quiz/result/<id>/: %s", b.pathname(), b.text("main"))
	}
	resultID := m[1]
	if !eval[bool](b, `!!document.querySelector("svg[role=img]")`) {
		t.Error("the result page has no chart")
	}
	band := b.text("#result-title")
	if band == "" {
		t.Error("the result page has no band headline")
	}

	b.clickNav(`a.button[href^="/api/book?result="]`)
	if p, want := b.pathname(), "/api/book?result="+resultID; p != want {
		t.Fatalf("booking form: at %s, want %s", p, want)
	}
	if s := b.text(".notice"); !strings.Contains(s, "Your quiz result is attached") {
		t.Errorf("booking form notice %q", s)
	}
	if s := b.text(".slots .hint"); !strings.Contains(s, "America/Chicago") || !strings.Contains(s, "UTC") {
		t.Errorf("booking form hint %q, want the consultant's zone and UTC offsets", s)
	}
	labels := eval[[]string](b, `[...document.querySelectorAll("input[name=slot]")].map(r => r.nextElementSibling.textContent)`)
	if len(labels) == 0 {
		t.Fatal("the server-rendered form lists no times")
	}
	offset := regexp.MustCompile(`^\d{1,2}:\d\d [AP]M [A-Z]{3,4} \(UTC[−+]\d\d:\d\d\)$`)
	for _, l := range labels {
		if !offset.MatchString(l) {
			t.Errorf("time label %q, want e.g. 9:00 AM CST (UTC−06:00)", l)
			break
		}
	}
	t.Logf("no-script form: %d times, first %q", len(labels), labels[0])
	slot := eval[string](b, `document.querySelector("input[name=slot]").value`)

	b.click(`input[name=slot]`)
	b.typeInto("f-name", "Noel Script")
	b.typeInto("f-email", "noel@example.com")
	b.click("#f-consent")
	if st := b.clickNav(`[data-submit]`); st != 200 {
		t.Fatalf("booking: HTTP %d: %s", st, b.text("main"))
	}
	if p := b.pathname(); !strings.HasPrefix(p, "/api/book/done?b=") {
		t.Fatalf("after booking: at %s: %s", p, b.text("main"))
	}
	if h := b.text("h1"); h != "Your session is booked" {
		t.Errorf("confirmation h1 %q", h)
	}
	list := srv.bookings(t)
	if len(list) != 1 || list[0].QuizResult != resultID || list[0].Start.UTC().Format(time.RFC3339) != slot {
		t.Errorf("bookings %+v, want one at %s with result %s", list, slot, resultID)
	}
	// Without SMTP_URL the emails are written as files.
	emls, _ := filepath.Glob(filepath.Join(srv.DataDir, "mail", "*.eml"))
	if len(emls) != 2 {
		t.Errorf("got %d .eml files in DATA_DIR/mail, want 2 (prospect and consultant)", len(emls))
	}
}

var cancelLinkRE = regexp.MustCompile(`Cannot make it\? (\S+)`)

// Journey 3: the cancel link in the confirmation email cancels the
// booking, after asking; the store and a METHOD:CANCEL email agree.
func TestJourneyCancelFromEmail(t *testing.T) {
	t.Parallel()
	mp := startMailpit(t)
	srv := startServe(t, newSite(t), mp.env()...)
	b := newBrowser(t, srv.Origin, desktop)

	// Book on /book/, the times loaded by its script.
	b.open("/book/")
	b.waitJS("the free times load", `document.querySelectorAll("[data-slot-list] input[name=slot]").length > 0`, stepTimeout)
	b.click(`[data-slot-list] input[name=slot]`)
	b.typeInto("f-name", "Cal Cancel")
	b.typeInto("f-email", "cal@example.com")
	b.click("#f-consent")
	if st := b.clickNav(`[data-submit]`); st != 200 {
		t.Fatalf("booking: HTTP %d: %s", st, b.text("main"))
	}
	if p := b.pathname(); !strings.HasPrefix(p, "/api/book/done?b=") {
		t.Fatalf("after booking: at %s: %s", p, b.text("main"))
	}
	list := srv.bookings(t)
	if len(list) != 1 {
		t.Fatalf("got %d bookings, want 1", len(list))
	}
	id := list[0].ID

	conf := mp.waitFor("cal@example.com", "Your advisory session")
	m := cancelLinkRE.FindStringSubmatch(conf.Text)
	if m == nil {
		t.Fatalf("no cancel link in the confirmation:\n%s", conf.Text)
	}
	link, err := url.Parse(m[1])
	if err != nil || link.Scheme+"://"+link.Host != srv.Origin || link.Path != "/api/book/cancel" || link.Query().Get("b") != id {
		t.Fatalf("cancel link %q: want %s/api/book/cancel?b=%s&t=…", m[1], srv.Origin, id)
	}

	b.open(link.RequestURI())
	if h := b.text("h1"); h != "Cancel your session" {
		t.Errorf("cancel page h1 %q", h)
	}
	if st := b.clickNav(`form[action="/api/book/cancel"] button`); st != 200 {
		t.Fatalf("cancel: HTTP %d: %s", st, b.text("main"))
	}
	if h := b.text("h1"); h != "Your session is cancelled" {
		t.Errorf("after cancelling: h1 %q: %s", h, b.text("main"))
	}
	if s := b.text("dl"); !strings.Contains(s, "Cancelled") {
		t.Errorf("after cancelling: status %q", s)
	}

	list = srv.bookings(t)
	if len(list) != 1 || list[0].CancelledAt == nil || list[0].Sequence != 1 {
		t.Fatalf("after cancelling: bookings %+v, want one with CancelledAt set and Sequence 1", list)
	}
	cancel := mp.waitFor("cal@example.com", "Cancelled:")
	if ics := mp.invite(cancel); !strings.Contains(ics, "METHOD:CANCEL") || !strings.Contains(ics, "UID:"+id+"@") {
		t.Errorf("cancellation invite: want METHOD:CANCEL with UID %s@…:\n%s", id, ics)
	}
	mp.waitFor(consultantEmail, "Booking cancelled")
}

// Journey 4: the consultant writes a new article with site new while serve
// runs; the open page reloads by itself after each save.
func TestJourneyLiveReload(t *testing.T) {
	t.Parallel()
	dir := newSite(t)
	srv := startServe(t, dir)
	// The consultant writes a while after starting serve: let at least one
	// second (site new's date resolution) pass.
	time.Sleep(1100 * time.Millisecond)
	// The path is the first line (site new says what to do next after it).
	out, _, _ := strings.Cut(strings.TrimSpace(runSite(t, dir, "new", "E2E Live Reload")), "\n")
	file := filepath.Join(dir, out)
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("site new printed %q: %v", out, err)
	}
	if !strings.Contains(string(src), "draft: true") {
		t.Fatalf("site new wrote no draft: true:\n%s", src)
	}
	stamp := time.Now().UnixNano()
	first := fmt.Sprintf("Zebra-first-%d", stamp)
	second := fmt.Sprintf("Quokka-second-%d", stamp)
	write := func(phrase string) {
		t.Helper()
		head, _, ok := strings.Cut(strings.TrimPrefix(string(src), "---\n"), "\n---\n")
		if !ok {
			t.Fatalf("no front matter in:\n%s", src)
		}
		head = strings.Replace(head, "draft: true", "draft: false", 1)
		head = regexp.MustCompile(`(?m)^description:.*$`).ReplaceAllString(head, `description: "An article written by the end-to-end test."`)
		body := "---\n" + head + "\n---\n\nThe phrase of the day is " + phrase + ".\n"
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(first)
	page := "/articles/e2e-live-reload/"
	deadline := time.Now().Add(stepTimeout)
	for {
		code, body := srv.get(t, page)
		if code == 200 && strings.Contains(body, first) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: HTTP %d without %q after %s", page, code, first, stepTimeout)
		}
		time.Sleep(100 * time.Millisecond)
	}

	b := newBrowser(t, srv.Origin, desktop)
	b.open(page)
	if s := b.text("main"); !strings.Contains(s, first) {
		t.Fatalf("the page lacks %q: %s", first, s)
	}
	if s := b.text(".badges"); s != "" {
		t.Errorf("the published article, dated now by site new, shows the badge %q: serve builds with the clock of its start (build.NewSession fills Options.Now through withDefaults, and Session.build and Apply reuse it), so an article written after serve started looks scheduled", s)
	}
	eval[bool](b, `window.__e2eDocument = "before"; true`)
	// Edit only once the page listens for the server's events.
	events := srv.Origin + "/_site/events"
	for deadline := time.Now().Add(stepTimeout); !b.hasResponse(events); {
		if time.Now().After(deadline) {
			t.Fatalf("the page did not connect to %s within %s", events, stepTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}

	write(second)
	b.waitJS("the page reloads with the new phrase", fmt.Sprintf(`document.body.innerText.includes(%q)`, second), stepTimeout)
	if eval[bool](b, `window.__e2eDocument === "before"`) {
		t.Error("the new text came without a reload")
	}
	if p := b.pathname(); p != page {
		t.Errorf("after the reload: at %s, want %s", p, page)
	}
}

// TestServeBackForwardCache browses the preview as a person does, with
// Chromium's back/forward cache on: every page must load however many came
// before it. Each page of site serve opens an EventSource for live reload;
// a page kept in the back/forward cache keeps it open, and HTTP/1.1 allows
// six connections to one host, so unless reload.js closes its EventSource
// on pagehide the seventh page waits until a cached page is evicted.
func TestServeBackForwardCache(t *testing.T) {
	t.Parallel()
	srv := startServe(t, newSite(t))
	b := startBrowser(t, srv.Origin, true, desktop)
	pages := []string{"/", "/articles/what-is-a-fractional-coo/", "/articles/", "/tags/operations/", "/tags/", "/about/", "/services/", "/privacy/", "/quiz/"}
	for i, p := range pages {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		_, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.origin+p))
		cancel()
		if err != nil {
			t.Fatalf("page %d of %d, %s, did not load within 5s (%v): the live-reload EventSources of the pages before it, kept open in the back/forward cache, hold all six connections Chromium allows to %s. reload.js should close its EventSource on pagehide (and reconnect on pageshow when event.persisted).",
				i+1, len(pages), p, err, srv.Origin)
		}
	}
}
