package theme_test

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"github.com/cassidine/site/internal/theme"
	"github.com/cassidine/site/internal/theme/emailtest"
)

// siteTheme is the site's real theme.
func siteTheme(t testing.TB) *theme.Theme {
	t.Helper()
	th, err := theme.Load(theme.FromRoot(os.DirFS("../..")), "")
	if err != nil {
		t.Fatalf("theme.Load: %v", err)
	}
	return th
}

const (
	evilName = `Ada <script>alert(1)</script>`
	evilAttr = `"><img src=x onerror=alert(2)>`
)

// TestRenderEmail renders every part of an Email with hostile values:
// each shows as the text it is, nothing loads from elsewhere, and links
// keep only safe schemes.
func TestRenderEmail(t *testing.T) {
	th := siteTheme(t)
	out, err := th.RenderEmail(theme.Email{
		Title:      "Hello " + evilName,
		Preheader:  "Preview " + evilAttr,
		Paragraphs: []string{"Dear " + evilName + ",", "Second & last paragraph."},
		Notice:     "Notice " + evilAttr,
		Rows: []theme.EmailRow{
			{Label: "Name", Value: evilName},
			{Label: "Message " + evilAttr, Value: "line one\r\nline <two>"},
			{Label: "Result", Value: "the result", URL: "https://cassidineconsulting.com/quiz/result/x/?a=1&b=" + evilAttr},
			{Label: "Trap", Value: "click", URL: "javascript:alert(3)"},
		},
		Buttons: []theme.EmailLink{
			{Label: "Move " + evilName, URL: "https://cassidineconsulting.com/api/book/reschedule?b=1&t=2"},
			{Label: "Cancel", URL: "https://cassidineconsulting.com/api/book/cancel?b=1&t=2"},
			{Label: "Trap", URL: "javascript:alert(4)"},
		},
		After:  []string{"After " + evilName},
		Footer: "Because " + evilAttr,
	})
	if err != nil {
		t.Fatalf("RenderEmail: %v", err)
	}
	emailtest.CheckHTML(t, "email", out, evilName, evilAttr)

	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	text := emailtest.Text(doc)
	for _, want := range []string{
		"Hello " + evilName, "Dear " + evilName + ",", "Second & last paragraph.", "Notice " + evilAttr,
		"Message " + evilAttr, "line one", "line <two>", "Move " + evilName, "After " + evilName, "Because " + evilAttr,
		"Cassidine Consulting", "cassidineconsulting.com",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the email's text lacks %q:\n%s", want, text)
		}
	}
	hrefs := emailtest.Links(doc)
	for _, want := range []string{
		"https://cassidineconsulting.com/api/book/reschedule?b=1&t=2",
		// (html/template percent-encodes what a URL may not hold.)
		"https://cassidineconsulting.com/quiz/result/x/?a=1&b=%22%3e%3cimg%20src=x%20onerror=alert%282%29%3e",
		"https://cassidineconsulting.com/",
	} {
		if !hrefs[want] {
			t.Errorf("links %v: want %q", hrefs, want)
		}
	}
	for h := range hrefs {
		if strings.HasPrefix(strings.ToLower(h), "javascript:") {
			t.Errorf("a javascript: link survived: %q", h)
		}
	}
	for _, want := range []string{
		`<meta name="color-scheme" content="light dark">`,
		`max-width:600px`,
		`<!--[if mso]>`, // the fixed-width table Outlook for Windows needs
		`role="presentation"`,
		`#0d4449`, // --deep, the band
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the email lacks %q", want)
		}
	}
}

// TestRenderEmailMinimal: a title alone is an email; no title is an error.
func TestRenderEmailMinimal(t *testing.T) {
	th := siteTheme(t)
	out, err := th.RenderEmail(theme.Email{Title: "Only a title"})
	if err != nil || !strings.Contains(out, "Only a title") {
		t.Errorf("RenderEmail(title only): %v\n%s", err, out)
	}
	emailtest.CheckHTML(t, "title only", out)
	if _, err := th.RenderEmail(theme.Email{}); err == nil {
		t.Error("RenderEmail without a title: no error")
	}
}

// TestEmailLayoutOptional: layouts without email/message.html load, and
// their emails have no HTML part; a broken one is a file:line error.
func TestEmailLayoutOptional(t *testing.T) {
	layouts, err := os.ReadFile("../../layouts/base.html")
	if err != nil {
		t.Fatal(err)
	}
	src := theme.FromRoot(os.DirFS("../.."))
	src.Layouts = fstest.MapFS{"base.html": {Data: layouts}}
	th, err := theme.Load(src, "")
	if err != nil {
		t.Fatalf("theme.Load without an email layout: %v", err)
	}
	if out, err := th.RenderEmail(theme.Email{Title: "x"}); out != "" || err != nil {
		t.Errorf("RenderEmail without a layout: got %q, %v; want \"\", nil", out, err)
	}

	broken := fstest.MapFS{"base.html": {Data: layouts}, theme.EmailLayout: {Data: []byte("<p>\n{{.Email.Title</p>")}}
	err = theme.CheckEmailLayout(broken, "layouts")
	if err == nil || !strings.HasPrefix(err.Error(), "layouts/email/message.html:2:") {
		t.Errorf("a broken email layout: got %v, want layouts/email/message.html:2: ...", err)
	}
	src.Layouts = broken
	if _, err := theme.Load(src, ""); err == nil {
		t.Error("theme.Load with a broken email layout: no error")
	}
}
