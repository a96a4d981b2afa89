package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// bkFuzzTypes are the Content-Types FuzzBookPost sends, by its second
// argument: mostly the form's own, so most inputs reach validation.
var bkFuzzTypes = []string{
	bkFormType,
	bkFormType,
	bkFormType + "; charset=UTF-8",
	bkFormType,
	"",
	"application/json",
	"multipart/form-data; boundary=x",
	bkFormType + "; charset",
}

// bkFuzzAllowed are the statuses POST /api/book may answer with a working
// store: success (303, or 201 for JSON), the fake success of the honeypot
// and the no-script step (200), and the client's mistakes.
var bkFuzzAllowed = map[int]bool{200: true, 201: true, 303: true, 400: true, 409: true, 413: true, 415: true, 429: true}

// FuzzBookPost posts arbitrary bodies to /api/book through the real
// handler and store: the decode → honeypot → rate limit → validate →
// check → book path must never panic or answer a 5xx, every answer has
// the security headers, and a booking row appears exactly when the
// answer says booked. Without -fuzz it runs its seeds as a unit test.
func FuzzBookPost(f *testing.F) {
	fx := newBkFixture(f, bkQuiet)
	// Seeds are short (a valid booking needs only name, email, consent,
	// slot and the empty honeypot): the fuzzer minimises every new
	// interesting input, at a cost that grows with its length.
	short := func(day, hour, minute int, extra string) string {
		return fmt.Sprintf("name=Ada&email=a%d%d%d%%40example.com&consent=yes&slot=%s&website=%s",
			day, hour, minute, url.QueryEscape(bkSlotValue(bkDec(day, hour, minute))), extra)
	}
	full := bkValues(bkDec(8, 9, 0), "ada@example.com").Encode()
	for _, seed := range []struct {
		body  string
		ctype uint8
	}{
		{full, 0},
		{short(8, 9, 0, ""), 0},      // the same time as full: 409
		{short(14, 13, 0, ""), 2},    // charset parameter
		{short(14, 13, 45, ""), 128}, // JSON answers
		{short(24, 9, 0, ""), 0},     // blocked day
		{short(4, 9, 0, ""), 0},      // the past
		{short(9, 9, 10, ""), 0},     // off the grid
		{short(10, 9, 0, "&tz=Asia%2FTokyo"), 0},
		{short(10, 9, 45, "&tz=Local&result=aaaaaaaaaaaaaaaaaaaaaaaaaa"), 0},
		{short(10, 10, 30, "&size=1-10+people&challenges=Key+employees+are+burning+out+or+leaving"), 0},
		{short(11, 9, 0, "&message=a%0D%0Ab%09c"), 0},
		{short(11, 9, 0, "&company=%3Cscript%3E"), 0},
		{"name=Ada%0d%0aBcc:x@y&email=a%40example.com&consent=yes&slot=2026-12-11T15%3A00%3A00Z&website=", 0},
		{"name=Ada&email=a%40b&consent=yes&slot=2026-12-11T15%3A00%3A00Z&website=", 0},
		{"name=Ada&email=a%40example.com&slot=2026-12-11T15%3A00%3A00Z&website=", 0},
		{"name=Ada&email=a%40example.com&consent=yes&slot=x&website=", 0},
		{"name=Ada&email=a%40example.com&consent=yes&website=", 0},
		{"name=Ada&name=Eve&website=", 0},
		{"admin=1&website=", 0},
		{"challenges.99999999=x&website=", 0},
		{"message=%FF&website=", 0},
		{"name=Ada&website=", 5},
		{"name=Ada&website=", 7},
		{"website=", 0},
		{"website=x", 0},
		{"", 0},
		{"%", 0},
		{";&=", 0},
		{`{"name":"Ada"}`, 5},
		// Found by this fuzzer: control characters in a one-line field and
		// a statement ticked more than 20 times pass the handler's checks
		// and are refused by the store (EINVALID), which the handler
		// answered with a 503.
		{short(15, 9, 0, "&company=A%19B"), 0},
		{short(15, 9, 45, "&challenges="+strings.Repeat("Key+employees+are+burning+out+or+leaving&challenges=", 20)+"Key+employees+are+burning+out+or+leaving"), 0},
	} {
		f.Add(seed.body, seed.ctype)
	}
	f.Fuzz(func(t *testing.T, body string, ctype uint8) {
		// Keep the clock fixed: the fuzzer must not wander off the calendar.
		fx.clock.Set(bkMonday)
		r := httptest.NewRequest(http.MethodPost, "/api/book", strings.NewReader(body))
		if ct := bkFuzzTypes[int(ctype&0x7f)%len(bkFuzzTypes)]; ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		if ctype&0x80 != 0 {
			bkAcceptJSON(r)
		}
		r.RemoteAddr = fx.nextIP()
		before := len(fx.bookings(t))
		res := fx.serve(t, r)
		if !bkFuzzAllowed[res.Status] {
			t.Fatalf("POST /api/book %.400q (Content-Type %q): got %s", body, r.Header.Get("Content-Type"), res)
		}
		after := fx.bookings(t)
		booked := res.Status == http.StatusSeeOther || res.Status == http.StatusCreated
		switch {
		case booked && len(after) != before+1:
			t.Fatalf("answered %d but the store went from %d to %d bookings", res.Status, before, len(after))
		case !booked && len(after) != before:
			t.Fatalf("answered %d but the store went from %d to %d bookings", res.Status, before, len(after))
		}
		if res.Status == http.StatusSeeOther {
			loc, err := url.Parse(res.Header.Get("Location"))
			if err != nil || loc.Path != "/api/book/done" {
				t.Fatalf("303 to %q", res.Header.Get("Location"))
			}
			b := fx.booking(t, loc.Query().Get("b"))
			if b.Name == "" || b.Start.Before(bkMonday.Add(24*time.Hour)) || strings.ContainsAny(b.Name+b.Email+b.Company+b.Role, "\r\n") {
				t.Fatalf("booked something the rules forbid: %+v", b)
			}
		}
	})
}
