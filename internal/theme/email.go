package theme

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"strings"

	"github.com/cassidine/site/internal/content"
)

// EmailLayout is the file under the layouts folder that gives every email
// the function sends its HTML part. It lives with the site's other layouts
// so the practice can restyle its emails as it restyles its pages; the
// builder ignores it (it is not a page) but reports its errors.
const EmailLayout = "email/message.html"

// Email is the content of one email in the practice's look: what
// RenderEmail turns into the HTML alternative of the email's plain text.
// Every field is text (escaped when rendered), and every part is optional
// but Title. The plain text stays the sender's to write, so that it reads
// well as text.
type Email struct {
	Title      string      // the heading
	Preheader  string      // the line inbox lists show after the subject (hidden in the message)
	Paragraphs []string    // before the table
	Notice     string      // one emphasised line after the paragraphs (e.g. "Do not contact")
	Rows       []EmailRow  // a table of labelled values
	Buttons    []EmailLink // calls to action, one under the other; the first is the main one
	After      []string    // paragraphs after the buttons
	Footer     string      // why the recipient gets this email, shown small under the message
}

// EmailRow is one line of an Email's table. A Value may span lines; with
// URL set it links there.
type EmailRow struct {
	Label, Value string
	URL          string
}

// EmailLink is a button of an Email: a label and an absolute URL.
type EmailLink struct {
	Label, URL string
}

// emailData is what the email layout sees.
type emailData struct {
	Site  *Site
	Email Email
	Home  string // the site's address, absolute
	Host  string // its host name, the footer's link text
}

// emailLayout is the parsed email layout.
type emailLayout struct {
	dir string // the layouts folder, for messages
	t   *template.Template
}

// loadEmailLayout parses EmailLayout under fsys (the layouts folder, shown
// as dir in messages). A layouts folder without one gives nil and no
// error: the site's emails are then plain text only.
func loadEmailLayout(fsys fs.FS, dir string) (*emailLayout, error) {
	src, err := fs.ReadFile(fsys, EmailLayout)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, content.Errorf(path.Join(dir, EmailLayout), 0, "%v", err)
	}
	t, err := template.New(EmailLayout).Funcs(emailFuncs).Parse(string(src))
	if err != nil {
		return nil, TemplateError(dir, err)
	}
	return &emailLayout{dir: dir, t: t}, nil
}

// CheckEmailLayout parses the email layout of a layouts folder, so that a
// build reports its errors (file:line) before the function meets them.
func CheckEmailLayout(fsys fs.FS, dir string) error {
	_, err := loadEmailLayout(fsys, dir)
	return err
}

// emailFuncs are the functions the email layout may call.
var emailFuncs = template.FuncMap{
	// lines splits a value into its lines, for <br> between them.
	"lines": func(s string) []string {
		return strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	},
	// outlook wraps markup only Outlook for Windows reads (its Word
	// engine ignores max-width, so the message sits in a fixed-width
	// table there): conditional comments, which html/template would strip
	// from the layout's own text.
	"outlook": func(markup string) template.HTML {
		return template.HTML("<!--[if mso]>" + markup + "<![endif]-->")
	},
}

// RenderEmail returns e as an HTML document in the site's look (the
// layout layouts/email/message.html): the HTML alternative of an email
// whose plain text says the same. Every value is escaped; links keep
// only http, https and mailto URLs. A theme whose layouts have no email
// layout returns "" and no error: its emails go as plain text alone.
//
// Every email the function sends renders through here, so a new kind of
// email (a reminder, say) needs no template of its own:
//
//	html, err := th.RenderEmail(theme.Email{
//		Title:      "Your session is tomorrow",
//		Paragraphs: []string{"Hello Ada,", "A reminder of your advisory session."},
//		Rows:       []theme.EmailRow{{Label: "Your time", Value: "Tuesday, December 8 at 3:00 PM GMT"}},
//		Buttons:    []theme.EmailLink{{Label: "Move the session", URL: moveURL}},
//	})
//	m.HTML = html
func (t *Theme) RenderEmail(e Email) (string, error) {
	if t.email == nil {
		return "", nil
	}
	if strings.TrimSpace(e.Title) == "" {
		return "", errors.New("render email: no title")
	}
	d := emailData{Site: t.site, Email: e, Home: t.site.AbsURL("/")}
	if u, err := url.Parse(d.Home); err == nil {
		d.Host = u.Host
	}
	var b strings.Builder
	if err := t.email.t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("render email %q: %w", e.Title, TemplateError(t.email.dir, err))
	}
	return b.String(), nil
}
