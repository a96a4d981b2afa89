package build

import (
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strings"

	"github.com/cassidine/site/internal/card"
	"github.com/cassidine/site/internal/content"
	"github.com/cassidine/site/internal/images"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/theme"
)

// cardsDir is where share cards are published: under /assets/, where
// every file is named by its content and cached for good (package
// headers), so a card's URL changes exactly when what it shows does and
// LinkedIn fetches the new one.
const cardsDir = "assets/cards/"

// shareCard is one share card the site publishes.
type shareCard struct {
	path string // output path, "assets/cards/<name>.<hash>.png"
	card card.Card
	// Where its title is written, for messages: an article's title, the
	// description in site.toml (the home page's), the quiz's title (line
	// 0: found when needed).
	file, key string
	line      int
}

// planCards chooses the image each published page shares and lists the
// share cards to draw. A page shares, in order:
//
//  1. its own image: front matter image (or the first of images);
//  2. else, for an article, the home page and the quiz, its share card;
//  3. else site.toml's image.
//
// An image in the body is never picked by itself: a card names the
// article, where a chart taken from it out of context does not.
func (b *builder) planCards() error {
	s := b.site
	b.cardList, b.quizSocial = nil, nil
	s.Social = b.imageAt(s.Image, s.Title)
	seen := map[string]bool{}
	var errs content.ErrorList
	add := func(sc shareCard, name string) *theme.SocialImage {
		key, err := sc.card.Key()
		if err != nil {
			errs.Add(content.Errorf(sc.file, sc.line, "share card: %v", err))
			return nil
		}
		sc.path = cardsDir + name + "." + key[:10] + ".png"
		// Two pages showing the same text at the same name share a file.
		if !seen[sc.path] {
			seen[sc.path] = true
			b.cardList = append(b.cardList, sc)
		}
		return &theme.SocialImage{URL: s.AbsURL("/" + sc.path), Width: card.Width, Height: card.Height, Type: "image/png", Alt: sc.card.Title}
	}
	for _, p := range b.pages {
		p.Social = nil
		switch {
		case p.Image != "":
			p.Social = b.imageAt(p.Image, b.imageAlt(p))
		case p.Kind == content.KindArticle:
			c := card.Card{Title: p.Title, Site: s.Title, Minutes: p.ReadingTime}
			p.Social = add(shareCard{card: c, file: p.File, key: "title", line: p.KeyLine("title")}, cardName(p.URL))
		case p.Kind == content.KindHome:
			// The practice's name over what it does (site.toml's
			// description), or the name alone.
			sc := shareCard{card: card.Card{Title: s.Title}, file: s.File, key: "title", line: content.TOMLKeyLine(s.Source, "title")}
			if s.Description != "" {
				sc.card = card.Card{Title: s.Description, Site: s.Title}
				sc.key, sc.line = "description", content.TOMLKeyLine(s.Source, "description")
			}
			p.Social = add(sc, "home")
		}
	}
	if q := b.quiz; q != nil {
		b.quizSocial = add(shareCard{card: card.Card{Title: q.Title, Site: s.Title}, file: q.File, key: "title"}, "quiz")
	}
	return errs.Err()
}

// cardName is the readable part of a page's card file name: the last
// segment of its URL, in letters, digits and dashes.
func cardName(u string) string {
	base := path.Base(strings.TrimSuffix(u, "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, content.URLize(base))
	name = strings.Join(strings.FieldsFunc(name, func(r rune) bool { return r == '-' }), "-")
	if name == "" {
		return "page"
	}
	return name
}

// imageAt describes the image at img (a site path, or another site's
// URL) for sharing: its size and type when the site publishes the file
// and it can be read, else its URL alone.
func (b *builder) imageAt(img, alt string) *theme.SocialImage {
	if img == "" {
		return nil
	}
	if strings.Contains(img, "://") {
		return &theme.SocialImage{URL: img, Alt: alt}
	}
	si := &theme.SocialImage{URL: b.site.AbsURL(escapePath(img)), Alt: alt}
	data, ok, err := b.fileData(img)
	if err != nil || !ok {
		return si // reported by the link check, if missing
	}
	w, h, format, err := images.Size(data)
	if err != nil {
		return si
	}
	si.Width, si.Height, si.Type = w, h, mimeTypes[format]
	return si
}

// mimeTypes maps images.Size's formats to og:image:type.
var mimeTypes = map[string]string{
	images.JPEG: "image/jpeg",
	images.PNG:  "image/png",
	images.GIF:  "image/gif",
	images.WebP: "image/webp",
	images.SVG:  "image/svg+xml",
}

// imageAlt is the alt text of a page's own image: that of the same image
// in its body, if it shows it, else the page's title.
func (b *builder) imageAlt(p *Page) string {
	if doc := b.docs[p]; doc != nil {
		base := &url.URL{Path: p.URL}
		for _, l := range doc.Links {
			if u, err := url.Parse(l.Dest); err == nil && l.Image && l.Alt != "" && base.ResolveReference(u).Path == p.Image {
				return l.Alt
			}
		}
	}
	return p.Title
}

// cardJobs lists the outputs of the share cards.
func (b *builder) cardJobs() []*job {
	jobs := make([]*job, 0, len(b.cardList))
	for _, sc := range b.cardList {
		fail := func(err error) error { return content.Errorf(sc.file, sc.line, "share card: %v", err) }
		jobs = append(jobs, &job{name: sc.path, src: "the share card of " + sc.file, group: groupCard,
			make: func(*scratch) ([]byte, error) {
				data, err := b.cards.Draw(sc.card)
				if err != nil {
					return nil, fail(err)
				}
				return data, nil
			},
			// A site written to a folder links the cache's file: no copy,
			// and no new file for the file system to allocate.
			file: func() (string, []byte, error) {
				file, data, err := b.cards.File(sc.card)
				if err != nil {
					return "", nil, fail(err)
				}
				return file, data, nil
			}})
	}
	return jobs
}

// cardWarnings reports characters a card cannot show (the Go fonts have
// no emoji or CJK, say; the card leaves them out) at the line that
// writes them, and own images that social sites do not show.
func (b *builder) cardWarnings() []error {
	var ws []error
	missing := func(s string) string {
		var q []string
		for _, r := range card.Unsupported(s) {
			q = append(q, fmt.Sprintf("%q", string(r)))
		}
		return strings.Join(q, ", ")
	}
	if m := missing(b.site.Title); m != "" && len(b.cardList) > 0 {
		ws = append(ws, content.Warnf(b.site.File, content.TOMLKeyLine(b.site.Source, "title"), "title: the share cards leave out %s, which their font (Go) cannot draw", m))
	}
	for _, sc := range b.cardList {
		m := missing(sc.card.Title)
		if m == "" {
			continue
		}
		line := sc.line
		if line == 0 {
			line = b.quizTitleLine()
		}
		ws = append(ws, content.Warnf(sc.file, line, "%s: the share card leaves out %s, which its font (Go) cannot draw: reword it, or give the page its own image", sc.key, m))
	}
	for _, p := range b.pages {
		if p.Social != nil && p.Social.Type == "image/svg+xml" {
			key := "image"
			if !p.Has(key) {
				key = "images"
			}
			ws = append(ws, content.Warnf(p.File, p.KeyLine(key), "front matter: %s: LinkedIn, Facebook and X do not show SVG images: give a PNG or JPEG (or remove it to share the generated card)", key))
		}
	}
	return ws
}

// quizTitleLine is the line of quiz.toml's title, read again only for a
// warning.
func (b *builder) quizTitleLine() int {
	src, err := fs.ReadFile(b.o.Content, quiz.File)
	if err != nil {
		return 0
	}
	return content.TOMLKeyLine(src, "title")
}

// reuseCards lets a session's full rebuild take the cards it already
// holds: a card's name carries the hash of what it shows, so a file of
// that name is that card, and site serve need not read it from the cache
// folder (or, without one, draw it) again.
func (s *Session) reuseCards(jobs []*job) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, j := range jobs {
		if data, ok := s.files[j.name]; ok && j.group == groupCard {
			j.make = func(*scratch) ([]byte, error) { return data, nil }
		}
	}
}

// newCard reports whether j is a card the session does not hold yet. An
// update draws only those: an edit that changes what a card shows (the
// title, the reading time) changes its name, and the old one is removed
// as no longer an output.
func (s *Session) newCard(j *job) bool {
	if j.group != groupCard {
		return false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.files[j.name]
	return !ok
}
