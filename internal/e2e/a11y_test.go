package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// answerSteps answers the next n statements of the enhanced quiz by mouse:
// a choice in the visible statement, then Next (or, on the last, See my
// result).
func answerSteps(b *browser, n int) {
	b.t.Helper()
	for i := range n {
		before := eval[int](b, visibleStep)
		b.click(fmt.Sprintf(`[data-step]:not([hidden]) input[type=radio][value="%d"]`, journeyAnswers[i%len(journeyAnswers)]))
		if eval[bool](b, `[...document.querySelectorAll("[data-nav] button")].some(x => x.textContent === "Next" && !x.hidden)`) {
			b.click(`[data-nav] button[type=button]:not(.secondary)`)
			b.waitJS("the next statement", fmt.Sprintf(`%s === %d`, visibleStep, before+1), stepTimeout)
		}
	}
}

// withoutScript loads a page with JavaScript off, then turns it back on so
// that axe can run: the page's own scripts stay unrun.
func withoutScript(b *browser, load func()) {
	b.t.Helper()
	cdpCall(b, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	load()
	cdpCall(b, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
}

// TestAccessibility runs axe-core's WCAG 2.0–2.2 A and AA rules on every
// page template, in each state that shows different markup, in the light
// and the dark color scheme, and wants zero violations.
func TestAccessibility(t *testing.T) {
	t.Parallel()
	requireAxe(t)
	srv := startServe(t, newSite(t))
	resultID := srv.postQuiz(t, 2)
	slots := srv.slots(t)
	b := newBrowser(t, srv.Origin, desktop)

	var booked int    // bookings made so far, each on its own slot
	var done string   // the latest booking's page
	var cancel string // and its cancel page
	open := func(path string) func(*browser) { return func(b *browser) { b.open(path) } }
	pages := []struct {
		name  string
		visit func(b *browser)
	}{
		{"home", open("/")},
		{"article", open("/articles/what-is-a-fractional-coo/")},
		{"article list", open("/articles/")},
		{"tag page", open("/tags/operations/")},
		{"tag index", open("/tags/")},
		{"page (about)", open("/about/")},
		{"quiz, first statement", open("/quiz/")},
		{"quiz, Next without an answer", func(b *browser) {
			b.open("/quiz/")
			b.click(`[data-nav] button[type=button]:not(.secondary)`)
			b.waitJS("the statement's error", `!!document.querySelector("[data-step]:not([hidden]) .field-error")`, stepTimeout)
		}},
		{"quiz, middle statement", func(b *browser) { b.open("/quiz/"); answerSteps(b, 7) }},
		{"quiz, last statement", func(b *browser) { b.open("/quiz/"); answerSteps(b, len(journeyAnswers)-1) }},
		{"quiz, result in the page", func(b *browser) {
			b.open("/quiz/")
			answerSteps(b, len(journeyAnswers))
			b.click(`[data-nav] button:not([type=button])`)
			b.waitJS("the result in the page", `!document.getElementById("quiz-result").hidden`, stepTimeout)
		}},
		{"quiz without JavaScript", func(b *browser) { withoutScript(b, func() { b.open("/quiz/") }) }},
		{"quiz without JavaScript, sent unanswered", func(b *browser) {
			withoutScript(b, func() {
				b.open("/quiz/")
				b.clickNav(`form[data-quiz] button:not([type=button])`)
			})
			if !eval[bool](b, `!!document.querySelector(".form-errors")`) {
				b.t.Fatal("no error summary after sending the quiz unanswered")
			}
		}},
		{"result page", open("/quiz/result/" + resultID + "/")},
		{"booking form /book/", func(b *browser) {
			b.open("/book/")
			b.waitJS("the free times", `document.querySelectorAll("[data-slot-list] input[name=slot]").length > 0`, stepTimeout)
		}},
		{"booking form /api/book", open("/api/book?result=" + resultID)},
		{"booking form with errors", func(b *browser) {
			b.open("/api/book?result=" + resultID)
			b.clickNav(`[data-submit]`)
			if !eval[bool](b, `!!document.querySelector(".form-errors")`) {
				b.t.Fatal("no error summary after sending the booking form empty")
			}
		}},
		{"confirmation (done)", func(b *browser) {
			done = srv.postBooking(b.t, slots[booked], resultID)
			booked++
			cancel = strings.Replace(done, "/api/book/done", "/api/book/cancel", 1)
			b.open(done)
		}},
		{"cancel page", func(b *browser) { b.open(cancel) }},
		{"cancelled", func(b *browser) {
			b.open(cancel)
			b.clickNav(`form[action="/api/book/cancel"] button`)
		}},
		{"404", open("/no-such-page/")},
		{"function message (result not found)", open("/quiz/result/aaaaaaaaaaaaaaaaaaaaaaaaaa/")},
	}
	for _, scheme := range []string{"light", "dark"} {
		b.colorScheme(scheme)
		for _, p := range pages {
			t.Run(scheme+"/"+p.name, func(t *testing.T) {
				sb := b.with(t)
				p.visit(sb)
				if got := eval[bool](sb, fmt.Sprintf(`matchMedia("(prefers-color-scheme: %s)").matches`, scheme)); !got {
					t.Fatalf("the page does not see prefers-color-scheme: %s", scheme)
				}
				sb.checkAxe(t, p.name+", "+scheme)
			})
		}
	}
}

// tabStops lists the page's sequential focus order as the DOM defines it
// (no positive tabindex on the site): every visible, enabled, focusable
// element without a negative tabindex, one stop per radio group (its
// checked radio, else its first). It marks each stop with data-e2e-tab.
const tabStops = `(() => {
	const focusable = 'a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable=""], [contenteditable="true"]';
	const all = [...document.querySelectorAll(focusable)].filter(el => {
		if (el.disabled || el.tabIndex < 0 || (el.localName === "input" && el.type === "hidden")) return false;
		if (el.closest("[inert]") || !el.getClientRects().length) return false;
		return getComputedStyle(el).visibility === "visible";
	});
	const stops = [], groups = new Set();
	for (const el of all) {
		if (el.type === "radio" && el.name) {
			if (groups.has(el.name)) continue;
			groups.add(el.name);
			const group = all.filter(r => r.type === "radio" && r.name === el.name && r.form === el.form);
			stops.push(group.find(r => r.checked) || group[0]);
		} else {
			stops.push(el);
		}
	}
	document.querySelectorAll("[data-e2e-tab]").forEach(el => el.removeAttribute("data-e2e-tab"));
	stops.forEach((el, i) => el.dataset.e2eTab = i);
	return stops.map(el => el.tabIndex > 0 ? "POSITIVE TABINDEX " + el.outerHTML.slice(0, 80) : describe(el));
	function describe(el) {
		const text = (el.labels && el.labels[0] ? el.labels[0].textContent : el.textContent || el.value || "").trim().replace(/\s+/g, " ").slice(0, 40);
		return el.localName + (el.id ? "#" + el.id : "") + (el.name ? "[name=" + el.name + "]" : "") + (el.type && el.localName === "input" ? "[type=" + el.type + "]" : "") + (text ? " “" + text + "”" : "");
	}
})()`

// focused describes the focused element and its focus indicator.
const focused = `(() => {
	const el = document.activeElement;
	const cs = getComputedStyle(el);
	return {
		stop: el.dataset.e2eTab === undefined ? -1 : Number(el.dataset.e2eTab),
		html: el.outerHTML.slice(0, 120),
		outline: cs.outlineStyle + " " + cs.outlineWidth + " " + cs.outlineColor,
		shadow: cs.boxShadow,
		visible: (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== "none",
	};
})()`

type focusState struct {
	Stop    int
	HTML    string
	Outline string
	Shadow  string
	Visible bool
}

// checkTabOrder walks the page with Tab from its first stop to its last
// and back one with Shift+Tab; each focused element must be the next stop
// in DOM order and show a focus indicator (an outline or a box-shadow).
func (b *browser) checkTabOrder(t *testing.T) {
	t.Helper()
	stops := eval[[]string](b, tabStops)
	for _, s := range stops {
		if strings.HasPrefix(s, "POSITIVE TABINDEX") {
			t.Errorf("focus order: %s (a positive tabindex breaks DOM order)", s)
		}
	}
	if len(stops) < 2 {
		t.Fatalf("only %d tab stops: %v", len(stops), stops)
	}
	t.Logf("%d tab stops in DOM order", len(stops))
	eval[bool](b, `document.querySelector('[data-e2e-tab="0"]').focus(), true`)
	check := func(press string, want int) bool {
		got := eval[focusState](b, focused)
		if got.Stop != want {
			t.Errorf("after %s: focus on %s (stop %d), want stop %d, %s: the focus order does not follow the DOM order", press, got.HTML, got.Stop, want, stops[want])
			return false
		}
		if !got.Visible {
			t.Errorf("after %s: %s has no visible focus indicator (outline %s, box-shadow %s)", press, stops[want], got.Outline, got.Shadow)
		}
		return true
	}
	b.do("Tab", chromedp.KeyEvent(kb.Tab))
	b.do("Shift+Tab", chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)))
	if !check("Shift+Tab to the first stop", 0) {
		return
	}
	for i := 1; i < len(stops); i++ {
		b.do("Tab", chromedp.KeyEvent(kb.Tab))
		if !check(fmt.Sprintf("Tab %d", i), i) {
			return
		}
	}
}

// TestKeyboardFocus tabs through the quiz and the booking forms.
func TestKeyboardFocus(t *testing.T) {
	t.Parallel()
	srv := startServe(t, newSite(t))
	resultID := srv.postQuiz(t, 1)
	b := newBrowser(t, srv.Origin, desktop)
	for _, tc := range []struct {
		name  string
		visit func(b *browser)
	}{
		{"quiz, first statement", func(b *browser) { b.open("/quiz/") }},
		{"quiz, fourth statement answered", func(b *browser) {
			b.open("/quiz/")
			answerSteps(b, 3)
			b.click(`[data-step]:not([hidden]) input[type=radio][value="2"]`)
		}},
		{"booking form /book/", func(b *browser) {
			b.open("/book/")
			b.waitJS("the free times", `document.querySelectorAll("[data-slot-list] input[name=slot]").length > 0`, stepTimeout)
		}},
		{"booking form /api/book", func(b *browser) { b.open("/api/book?result=" + url.QueryEscape(resultID)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb := b.with(t)
			tc.visit(sb)
			sb.checkTabOrder(t)
		})
	}
}
