package api_test

// Where the session takes place (booking.location): in the emails, the
// invite (LOCATION, URL) and the booking's page; and the reminders'
// calendar alerts (VALARM).

import (
	"bytes"
	"html"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	ics "github.com/arran4/golang-ical"

	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/theme"
)

// bkOverlay is a folder with some files replaced.
type bkOverlay struct {
	fs.FS
	files fstest.MapFS
}

func (o bkOverlay) Open(name string) (fs.File, error) {
	if _, ok := o.files[name]; ok {
		return o.files.Open(name)
	}
	return o.FS.Open(name)
}

// bkThemeWith loads the real site with settings added to the top of
// site.toml's [booking] table.
func bkThemeWith(t testing.TB, settings string) *theme.Theme {
	t.Helper()
	src, err := os.ReadFile("../../content/site.toml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte("\n[booking]\n")) {
		t.Fatal("content/site.toml has no [booking] table")
	}
	src = bytes.Replace(src, []byte("\n[booking]\n"), []byte("\n[booking]\n"+settings+"\n"), 1)
	sources := theme.FromRoot(os.DirFS("../.."))
	sources.Content = bkOverlay{sources.Content, fstest.MapFS{"site.toml": {Data: src}}}
	th, err := theme.Load(sources, "")
	if err != nil {
		t.Fatalf("theme.Load with %q: %v", settings, err)
	}
	return th
}

func TestPlace(t *testing.T) {
	const room = "https://zoom.us/j/5551234567?pwd=Q2Fzc2lkaW5l"
	for _, tc := range []struct {
		name     string
		settings string
		text     string   // in the prospect's emails
		location string   // LOCATION; "" for none
		url      string   // URL; "" for none
		triggers []string // the VALARMs
		where    string   // the page's "Where"
		href     string   // its link
	}{
		{"none", "", "The session is a video call; the link follows from Cassidine Consulting before the session.",
			"", "", []string{"-PT24H"}, "A video call; the link follows by email before the session.", ""},
		{"video link", `location = "` + room + `"` + "\nreminders = [\"1h\", \"24h\"]",
			"The session is a video call. Join it at the time above: " + room + "\n",
			room, room, []string{"-PT24H", "-PT1H"}, "A video call: join it here at the time above. " + room, room},
		{"phone", `location = "+1 312 555 0100"` + "\nreminders = []",
			"The session is a phone call: please call +1 312 555 0100 at the time above.",
			"+1 312 555 0100", "", nil, "A phone call: please call +1 312 555 0100 at the time above.", "tel:+13125550100"},
		{"address", `location = "233 S Wacker Dr, Suite 4400, Chicago, IL 60606"`,
			"The session is in person, at 233 S Wacker Dr, Suite 4400, Chicago, IL 60606.\n",
			"233 S Wacker Dr, Suite 4400, Chicago, IL 60606", "", []string{"-PT24H"}, "In person, at 233 S Wacker Dr, Suite 4400, Chicago, IL 60606", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newBkFixture(t, bkWithTheme(bkThemeWith(t, tc.settings)))
			id, done := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))

			// The confirmation, and after a move the update, say where.
			_, conf := bkOne(t, f.outbox(t), "confirmation")
			if !strings.Contains(conf.Text, tc.text) {
				t.Errorf("confirmation text lacks %q:\n%s", tc.text, conf.Text)
			}
			// The HTML part says it too: the sentence, and the place in
			// its table (a video room linked).
			sentence := strings.TrimSpace(tc.text)
			if !strings.Contains(html.UnescapeString(conf.HTML), sentence) || (tc.url != "" && !strings.Contains(conf.HTML, `href="`+tc.url+`"`)) {
				t.Errorf("confirmation HTML lacks %q (or a link to %q)", sentence, tc.url)
			}
			bkWantPlaceInvite(t, "confirmation", conf, tc.location, tc.url, tc.triggers)
			_, notice := bkOne(t, f.outbox(t), "confirmation-notice")
			bkWantPlaceInvite(t, "the consultant's notice", notice, tc.location, tc.url, tc.triggers)

			page := f.get(t, done)
			doc := bkDoc(t, page.Body)
			var where, href string
			for _, dt := range bkFindAll(doc, tag("dt")) {
				if bkText(dt) == "Where" && dt.NextSibling != nil {
					where = bkText(dt.NextSibling)
					href = attr1(bkFind(dt.NextSibling, tag("a")), "href")
				}
			}
			if where != tc.where || href != tc.href {
				t.Errorf("the booking's page: Where %q (link %q), want %q (link %q)", where, href, tc.where, tc.href)
			}

			// A cancellation neither says where nor carries alarms.
			res := f.post(t, "/api/book/cancel", bkCancelForm(id, bkToken(done)))
			if res.Status != 200 {
				t.Fatalf("cancel: %s", res)
			}
			_, cancel := bkOne(t, f.outbox(t), "cancellation")
			if strings.Contains(cancel.Text, "The session is") {
				t.Errorf("the cancellation says where the session would have been:\n%s", cancel.Text)
			}
			b, err := mail.ICS(*cancel.Invite)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte("VALARM")) {
				t.Errorf("the cancellation's invite carries alarms:\n%s", b)
			}
			page = f.get(t, bkManage(done, "/api/book/done"))
			if strings.Contains(page.Body, "<dt>Where</dt>") {
				t.Errorf("the cancelled booking's page says where: %s", bkSummary(page.Body))
			}
		})
	}
}

// bkWantPlaceInvite checks a message's invite: LOCATION and URL, and a
// VALARM per trigger.
func bkWantPlaceInvite(t testing.TB, what string, m mail.Message, location, url string, triggers []string) {
	t.Helper()
	b, err := mail.ICS(*m.Invite)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: parse ICS: %v", what, err)
	}
	ev := cal.Events()[0]
	value := func(p ics.ComponentProperty) string {
		if v := ev.GetProperty(p); v != nil {
			return v.Value
		}
		return ""
	}
	if got := value(ics.ComponentPropertyLocation); got != location {
		t.Errorf("%s: LOCATION %q, want %q", what, got, location)
	}
	if got := value(ics.ComponentPropertyUrl); got != url {
		t.Errorf("%s: URL %q, want %q", what, got, url)
	}
	var got []string
	for _, a := range ev.Alarms() {
		if p := a.GetProperty(ics.ComponentPropertyTrigger); p != nil {
			got = append(got, p.Value)
		}
		if p := a.GetProperty(ics.ComponentPropertyAction); p == nil || p.Value != "DISPLAY" {
			t.Errorf("%s: VALARM ACTION %v, want DISPLAY", what, p)
		}
	}
	if !slices.Equal(got, triggers) {
		t.Errorf("%s: VALARM triggers %q, want %q", what, got, triggers)
	}
}
