package content

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// SiteFile is the name of the settings file in the content folder.
const SiteFile = "site.toml"

// Site holds the settings in content/site.toml.
type Site struct {
	Title        string    `toml:"title"`        // required: the practice's name
	BaseURL      string    `toml:"baseURL"`      // required: absolute URL the site is served from
	LanguageCode string    `toml:"languageCode"` // the html lang attribute; default "en"
	Description  string    `toml:"description"`  // default meta description
	Author       string    `toml:"author"`       // author of articles, in feeds and JSON-LD
	Email        string    `toml:"email"`        // public contact address
	Image        string    `toml:"image"`        // default social (Open Graph) image
	TimeZone     string    `toml:"timeZone"`     // IANA zone for dates without an offset; default UTC
	Paginate     int       `toml:"paginate"`     // articles per list page; default 20
	Nav          []NavItem `toml:"nav"`          // the header navigation, in order
	Booking      *Booking  `toml:"booking"`      // consultation availability; see Booking
	Markup       Markup    `toml:"markup"`       // how markdown is rendered; see Markup

	// Location is TimeZone loaded.
	Location *time.Location `toml:"-"`
	// File is the path of the settings file, for messages.
	File string `toml:"-"`
	// Source is the file's text, kept so later checks can name lines.
	Source []byte `toml:"-"`
}

// Booking is the [booking] table of site.toml: when the consultant takes
// consultations. Package booking validates it (naming file and line) and
// turns it into slots.
//
//	[booking]
//	timeZone = "America/Chicago"  # the consultant's zone; default: the site's
//	slotMinutes = 30              # length of a consultation
//	bufferMinutes = 15            # free time kept after each one
//	minNoticeHours = 24           # earliest booking, from now
//	horizonDays = 30              # latest booking, from today
//	maxPerDay = 4                 # at most this many a day
//	blocked = ["2026-12-24"]      # days off (the consultant's dates)
//	challenges = ["..."]          # the booking form's checkboxes
//	companySizes = ["1-10", ...]  # the booking form's size choices
//	location = "https://zoom.us/j/123"  # where sessions take place: an https link,
//	                              # a phone number (+1 312 555 0100) or a postal address
//	reminders = ["24h", "1h"]     # reminder emails before each session; default ["24h"],
//	                              # [] for none
//	[booking.hours]               # weekly hours, local time; days not listed are off
//	monday = ["09:00-12:00", "13:00-17:00"]
type Booking struct {
	TimeZone       string              `toml:"timeZone"`
	SlotMinutes    int                 `toml:"slotMinutes"`
	BufferMinutes  int                 `toml:"bufferMinutes"`
	MinNoticeHours int                 `toml:"minNoticeHours"`
	HorizonDays    int                 `toml:"horizonDays"`
	MaxPerDay      int                 `toml:"maxPerDay"`
	Blocked        []string            `toml:"blocked"`
	Hours          map[string][]string `toml:"hours"`
	Challenges     []string            `toml:"challenges"`   // the booking form's checkboxes
	CompanySizes   []string            `toml:"companySizes"` // the booking form's size choices
	Location       string              `toml:"location"`     // where sessions take place; "" for not said
	Reminders      []string            `toml:"reminders"`    // durations before a session; nil (absent) for the default
}

// Markup is the [markup] table of site.toml.
//
//	[markup]
//	unsafe = true   # keep raw HTML written in the markdown (Hugo's
//	                # markup.goldmark.renderer.unsafe); default false:
//	                # it is left out, each piece a warning at its line
//
// The site's Content-Security-Policy still blocks inline scripts and
// styles in raw HTML kept this way.
type Markup struct {
	Unsafe bool `toml:"unsafe"`
}

// NavItem is one link of the header navigation.
type NavItem struct {
	Name string `toml:"name"`
	URL  string `toml:"url"`
}

// ParseSite decodes and validates site settings. Unknown keys are errors,
// since a misspelt setting would otherwise be silently ignored.
func ParseSite(file string, src []byte) (*Site, error) {
	s := &Site{File: file, Source: src}
	dec := toml.NewDecoder(bytes.NewReader(src)).DisallowUnknownFields()
	if err := dec.Decode(s); err != nil {
		return nil, tomlError(file, 0, err)
	}
	var errs ErrorList
	need := func(key, val string) {
		if strings.TrimSpace(val) == "" {
			errs.Add(Errorf(file, TOMLKeyLine(src, key), "%s is required", key))
		}
	}
	need("title", s.Title)
	need("baseURL", s.BaseURL)
	if s.BaseURL != "" {
		u, err := url.Parse(s.BaseURL)
		switch {
		case err != nil || !u.IsAbs() || u.Host == "":
			errs.Add(Errorf(file, TOMLKeyLine(src, "baseURL"), "baseURL %q must be an absolute URL such as https://example.com/", s.BaseURL))
		case strings.Trim(u.Path, "/") != "":
			// Pages link to each other by site-absolute paths (/articles/x/),
			// as Netlify serves a site from the root of its domain.
			errs.Add(Errorf(file, TOMLKeyLine(src, "baseURL"), "baseURL %q must be the root of a domain, without a path", s.BaseURL))
		}
		s.BaseURL = strings.TrimSuffix(s.BaseURL, "/") + "/"
	}
	if s.LanguageCode == "" {
		s.LanguageCode = "en"
	}
	if s.Paginate == 0 {
		s.Paginate = 20
	} else if s.Paginate < 0 {
		errs.Add(Errorf(file, TOMLKeyLine(src, "paginate"), "paginate must be positive, got %d", s.Paginate))
	}
	s.Location = time.UTC
	if s.TimeZone != "" {
		loc, err := time.LoadLocation(s.TimeZone)
		if err != nil {
			errs.Add(Errorf(file, TOMLKeyLine(src, "timeZone"), "timeZone %q is not a known IANA zone (e.g. America/Chicago)", s.TimeZone))
		} else {
			s.Location = loc
		}
	}
	for i, n := range s.Nav {
		if n.Name == "" || n.URL == "" {
			errs.Add(Errorf(file, TOMLKeyLine(src, "nav"), "nav item %d needs both name and url", i+1))
		}
	}
	return s, errs.Err()
}

// tomlError turns a go-toml error into an *Error with the line it names.
// offset is the line of the TOML text within file, minus one.
func tomlError(file string, offset int, err error) error {
	// StrictMissingError first: it unwraps to its DecodeErrors, which
	// would otherwise match below as a bare "toml: unknown field".
	var se *toml.StrictMissingError
	if errors.As(err, &se) {
		var errs ErrorList
		for _, e := range se.Errors {
			row, _ := e.Position()
			errs.Add(Errorf(file, offset+row, "unknown setting %q", strings.Join(e.Key(), ".")))
		}
		return errs.Err()
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, _ := de.Position()
		return Errorf(file, offset+row, "%s", de.Error())
	}
	return Errorf(file, offset+1, "%v", err)
}

var tomlKeyRE = regexp.MustCompile(`^\s*("?)([A-Za-z0-9_.-]+)("?)\s*=|^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?`)

// TOMLKeyLine returns the 1-based line where key (dotted for nested tables,
// e.g. "booking.slotMinutes") is set in src, or 1 if it is not found. It
// lets semantic checks point at the setting they reject.
func TOMLKeyLine(src []byte, key string) int {
	table := ""
	for i, line := range strings.Split(string(src), "\n") {
		m := tomlKeyRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if m[4] != "" {
			table = m[4]
			if table == key {
				return i + 1
			}
			continue
		}
		full := m[2]
		if table != "" {
			full = table + "." + m[2]
		}
		if full == key {
			return i + 1
		}
	}
	return 1
}

// String describes the site for logs.
func (s *Site) String() string { return fmt.Sprintf("%s (%s)", s.Title, s.BaseURL) }
