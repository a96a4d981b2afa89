package booking

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// Place is where consultations take place: booking.location in
// site.toml, parsed by ParsePlace. The zero Place means none is set, and
// the emails say that the details will follow.
type Place struct {
	Kind PlaceKind
	// Text is what the emails, the invite and the booking's page show:
	// the link, the number (without "tel:") or the address.
	Text string
	// URL is the link to open: the https address of a video room, or a
	// tel: URI (tel:+13125550100) for a phone number; "" for an address.
	URL string
}

// PlaceKind tells the kinds of Place apart.
type PlaceKind string

// The kinds of place, told apart by how booking.location starts.
const (
	PlaceLink    PlaceKind = "link"    // https://…: a fixed video room (Zoom, Meet, Teams)
	PlacePhone   PlaceKind = "phone"   // +… or tel:+…: a number to call, in international form
	PlaceAddress PlaceKind = "address" // anything else: a postal address, on one line
)

// MaxPlace is the longest booking.location, in characters: a Teams
// meeting link runs to a few hundred.
const MaxPlace = 1000

// Phone numbers hold at most 15 digits with the country code (E.164);
// fewer than 7 is no number anywhere.
const minPhoneDigits, maxPhoneDigits = 7, 15

var (
	// schemeRE matches a link with a scheme, as https:// or zoommtg://.
	schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)
	// phoneRE matches what a phone number is written with.
	phoneRE = regexp.MustCompile(`^[0-9 ().\-/]+$`)
)

// ParsePlace reads booking.location. How it starts says what it is:
//
//   - "https://" is a link to a fixed video room. It must be a whole URL
//     with a host and without spaces or a user name.
//   - "+" or "tel:" is a phone number in international form ("+1 312 555
//     0100", "tel:+44-20-7946-0958"): digits and the usual separators
//     (spaces, hyphens, dots, brackets), 7 to 15 digits.
//   - anything else is a postal address, on one line.
//
// It refuses what a prospect could not use: a plain http:// link (mail
// and calendar apps warn about it), a link with another scheme, a link or
// an e-mail address written without https://, a phone number without
// its country code, text that is not one line of at most MaxPlace
// characters. The errors say how to write it instead. Blank is the zero
// Place.
func ParsePlace(s string) (Place, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Place{}, nil
	}
	switch err := CheckText(s, MaxPlace, false); {
	case errors.Is(err, ErrLineBreak):
		return Place{}, errors.New("must be one line (write an address with commas between its parts)")
	case err != nil:
		return Place{}, err
	}
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "https://"):
		return parseLink(s)
	case strings.HasPrefix(s, "+"), strings.HasPrefix(lower, "tel:"):
		return parsePhone(s)
	case strings.HasPrefix(lower, "http://"):
		return Place{}, errors.New("use the room's https:// link: mail and calendar apps warn about plain http:// links, and video services all serve https")
	case schemeRE.MatchString(s), strings.HasPrefix(lower, "mailto:"):
		return Place{}, errors.New("a link must start with https:// (the address a browser shows for the room)")
	}
	if !strings.ContainsFunc(s, unicode.IsSpace) {
		switch {
		case strings.Contains(s, "@"):
			return Place{}, errors.New("an e-mail address is not a place to meet: give a video link (https://…), a phone number (+…) or a postal address")
		case strings.Contains(s, ".") && (strings.Contains(s, "/") || strings.HasPrefix(lower, "www.")):
			return Place{}, errors.New("write the link in full, starting with https://")
		}
	}
	if phoneRE.MatchString(s) && strings.ContainsAny(s, "0123456789") {
		return Place{}, errors.New("write a phone number in international form, starting with + and the country code (e.g. +1 312 555 0100)")
	}
	if !strings.ContainsFunc(s, unicode.IsLetter) {
		return Place{}, errors.New("is not a link (https://…), a phone number (+…) or a postal address")
	}
	return Place{Kind: PlaceAddress, Text: s}, nil
}

func parseLink(s string) (Place, error) {
	if strings.ContainsFunc(s, unicode.IsSpace) {
		return Place{}, errors.New("a link cannot hold spaces (copy it again from the video service, or write a space as %20)")
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return Place{}, fmt.Errorf("is not a link a browser can open: %v", unwrapURLError(err))
	case u.Host == "" || u.Hostname() == "":
		return Place{}, errors.New("the link names no host (https://host/…)")
	case u.User != nil:
		return Place{}, errors.New("the link holds a user name or password before its host; use the room's own link")
	}
	return Place{Kind: PlaceLink, Text: s, URL: s}, nil
}

func parsePhone(s string) (Place, error) {
	number := s
	if len(number) >= 4 && strings.EqualFold(number[:4], "tel:") {
		number = strings.TrimSpace(number[4:])
	}
	rest, ok := strings.CutPrefix(number, "+")
	if !ok {
		return Place{}, errors.New("write a phone number in international form, starting with + and the country code (e.g. +1 312 555 0100)")
	}
	if !phoneRE.MatchString(rest) {
		return Place{}, errors.New("a phone number holds digits and spaces, hyphens, dots or brackets after the +, nothing else (an extension cannot be dialled from a link)")
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, rest)
	if n := len(digits); n < minPhoneDigits || n > maxPhoneDigits {
		return Place{}, fmt.Errorf("a phone number has %d to %d digits with its country code, not %d", minPhoneDigits, maxPhoneDigits, n)
	}
	return Place{Kind: PlacePhone, Text: number, URL: "tel:+" + digits}, nil
}

// unwrapURLError drops url.Error's repetition of the whole link.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
