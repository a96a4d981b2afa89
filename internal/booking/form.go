package booking

import "slices"

// Form is the booking form as a page shows it: empty on the built /book/
// page (Static: the page's script loads the times), or rendered by the
// function with the free times, and with the visitor's values and a
// message per problem when it comes back.
type Form struct {
	Action     string // where it posts: /api/book or /api/book/reschedule
	Values     Values
	Errors     map[string]string // field name → message
	Message    string            // a message for the whole form
	Challenges []string          // the checkboxes (site.toml booking.challenges)
	Sizes      []string          // company sizes (site.toml booking.companySizes)
	Days       []Day             // free times, grouped by the consultant's day
	Next       []Option          // after a taken slot: the next free times
	Static     bool              // the built page, without times
	Zone       string            // the consultant's time zone, e.g. America/Chicago
	Result     string            // an attached quiz result id
	Booking    string            // rescheduling: the booking's id
	Token      string            // rescheduling: its signed token
	// Paused: no time can be offered, because one of the consultant's
	// calendars cannot be read; the page asks the visitor to email.
	Paused bool
}

// Values are what the visitor entered.
type Values struct {
	Name, Email, Company, Role, Size, Message string
	Challenges                                []string
	Consent                                   bool
	Slot                                      string // RFC 3339 UTC start
	TZ                                        string // the visitor's IANA zone, from the page's script
}

// Day is one day of free times.
type Day struct {
	Label string // "Tuesday, December 1"
	Slots []Option
}

// Option is one time to choose.
type Option struct {
	Value   string // RFC 3339 UTC start
	Label   string // "10:00 AM CST (UTC−06:00)"
	Checked bool
}

// Value returns a text field's value by its form name.
func (f Form) Value(name string) string {
	switch name {
	case "name":
		return f.Values.Name
	case "email":
		return f.Values.Email
	case "company":
		return f.Values.Company
	case "role":
		return f.Values.Role
	case "message":
		return f.Values.Message
	}
	return ""
}

// Checked reports whether a challenge was ticked.
func (f Form) Checked(c string) bool { return slices.Contains(f.Values.Challenges, c) }
