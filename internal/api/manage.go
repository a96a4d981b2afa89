package api

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/theme"
)

// BookedView is what the booking's own pages show (.Data): the time in
// the prospect's zone (the one their browser reported with the form, kept
// with the booking) and in the consultant's.
type BookedView struct {
	Booking   *store.Booking
	When      string // in the consultant's zone
	UTC       string
	Zone      string // the consultant's zone
	Local     string // in the prospect's zone; "" when unknown or the consultant's
	LocalZone string // the prospect's zone, with Local
	Token     string
	CancelURL string
	MoveURL   string
	Cancelled bool
	Just      string // "booked", "moved", "cancelled": what just happened
	Confirm   bool   // the cancel page asks before cancelling
	// Place is where the session takes place (booking.location; the zero
	// Place when site.toml does not say), PlaceHref its link: the video
	// room's, or tel: for a phone number.
	Place     booking.Place
	PlaceHref template.URL
}

// managed loads the booking a signed link names, or answers the problem.
// A link signed for an earlier version of the booking (before a move) no
// longer works; a cancelled booking's links all still show that it is
// cancelled.
func (s *server) managed(w http.ResponseWriter, r *http.Request, id, tok string) (*store.Booking, bool) {
	seq, err := s.signer.check("manage", id, tok, s.Now())
	if err != nil {
		s.messagePage(w, r, http.StatusForbidden, message{Title: "This link does not work", Text: "The link is not valid or has expired. To change a booking, reply to its confirmation email.", Link: "/book/", Label: "Book a session"})
		return nil, false
	}
	b, err := s.Store.Booking(r.Context(), id)
	if err != nil {
		s.storeFailed(w, r, err)
		return nil, false
	}
	if seq != b.Sequence && b.CancelledAt == nil {
		s.staleLink(w, r)
		return nil, false
	}
	return b, true
}

// staleLink answers a link from an email sent before the booking moved.
func (s *server) staleLink(w http.ResponseWriter, r *http.Request) {
	s.messagePage(w, r, http.StatusConflict, message{Title: "This link is from an earlier email",
		Text: "The session has been moved since this email was sent, so its links no longer work. Use the links in the most recent email about the session.",
		Link: "/book/", Label: "Book a session"})
}

// tooLate answers a change to a session that has already started.
func (s *server) tooLate(w http.ResponseWriter, r *http.Request, b *store.Booking, what string) {
	s.messagePage(w, r, http.StatusConflict, message{Title: "This session has already started",
		Text: "The session on " + s.bookedView(b, "").When + " has started or taken place, so it can no longer be " + what + ". Reply to the confirmation email to reach us.",
		Link: "/book/", Label: "Book another session"})
}

// started reports whether b's session has begun.
func (s *server) started(b *store.Booking) bool { return !b.Start.After(s.Now()) }

// linked is managed for a signed link's query (b and t): it returns the
// booking and the link's token.
func (s *server) linked(w http.ResponseWriter, r *http.Request) (*store.Booking, string, bool) {
	q := r.URL.Query()
	b, ok := s.managed(w, r, q.Get("b"), q.Get("t"))
	return b, q.Get("t"), ok
}

func (s *server) bookedView(b *store.Booking, tok string) BookedView {
	local := b.Start.In(s.rules.Location)
	v := BookedView{
		Booking: b, When: local.Format(dayLayout+", 2006 at ") + slotLabel(local), UTC: b.Start.UTC().Format(dayLayout + ", 2006 at 15:04 UTC"),
		Zone: s.rules.Location.String(), Token: tok, Cancelled: b.CancelledAt != nil,
		CancelURL: linkURL("/api/book/cancel", b.ID, tok), MoveURL: linkURL("/api/book/reschedule", b.ID, tok),
		Place: s.rules.Place, PlaceHref: placeHref(s.rules.Place),
	}
	if loc, ok := booking.LoadZone(b.TimeZone); ok && loc.String() != v.Zone {
		theirs := b.Start.In(loc)
		v.Local, v.LocalZone = theirs.Format(dayLayout+", 2006 at ")+slotLabel(theirs), b.TimeZone
	}
	return v
}

func (s *server) bookedPage(w http.ResponseWriter, status int, title string, v BookedView) {
	s.page(w, status, theme.PageSpec{Layout: "booked", Title: title, URL: "/api/book/done", Data: v})
}

// handleDone is the thank-you page after booking or moving.
func (s *server) handleDone(w http.ResponseWriter, r *http.Request) {
	b, tok, ok := s.linked(w, r)
	if !ok {
		return
	}
	if tz := r.URL.Query().Get("tz"); tz != "" {
		// A display hint, not an instruction: it only picks the zone this
		// page shows the time in, so it needs no signature.
		if _, ok := booking.LoadZone(tz); ok {
			cp := *b
			cp.TimeZone = tz
			b = &cp
		}
	}
	v := s.bookedView(b, tok)
	v.Just = "booked"
	switch {
	case v.Cancelled:
		v.Just = "" // the page says it is cancelled, not that a confirmation is on its way
	case r.URL.Query().Get("moved") == "1":
		v.Just = "moved"
	}
	title := "Your session is booked"
	if v.Cancelled {
		title = "This session is cancelled"
	}
	s.bookedPage(w, http.StatusOK, title, v)
}

// cancelForm is the cancel confirmation as posted.
type cancelForm struct {
	B       string  `schema:"b"`
	T       string  `schema:"t"`
	Website *string `schema:"website"`
}

// handleCancelPage asks before cancelling (handleCancel).
func (s *server) handleCancelPage(w http.ResponseWriter, r *http.Request) {
	b, tok, ok := s.linked(w, r)
	if !ok {
		return
	}
	if b.CancelledAt == nil && s.started(b) {
		s.tooLate(w, r, b, "cancelled")
		return
	}
	v := s.bookedView(b, tok)
	v.Confirm = !v.Cancelled
	s.bookedPage(w, http.StatusOK, "Cancel your session", v)
}

// handleCancel cancels: the slot is freed, the prospect gets a
// METHOD:CANCEL invite with the same UID and a higher SEQUENCE, and the
// consultant is told.
func (s *server) handleCancel(w http.ResponseWriter, r *http.Request) {
	var in cancelForm
	if e := decodeForm(s.forms, r, &in); e != nil {
		s.requestFailed(w, r, e)
		return
	}
	current, ok := s.managed(w, r, in.B, in.T)
	if !ok {
		return
	}
	quizNote := s.quizSummary(r.Context(), current.QuizResult)
	var b *store.Booking
	err := s.write(r, func(ctx context.Context) (err error) {
		b, err = s.cancel(ctx, in.B, quizNote)
		return err
	}, func(ctx context.Context) bool {
		got, err := s.Store.Booking(ctx, in.B)
		if err == nil && got.CancelledAt != nil {
			b = got
			return true
		}
		return false
	})
	switch {
	case errors.Is(err, store.ErrStarted):
		s.tooLate(w, r, current, "cancelled")
		return
	case store.ErrorCode(err) == store.ECONFLICT:
		b, _ = s.Store.Booking(r.Context(), in.B)
	case err != nil:
		s.storeFailed(w, r, err)
		return
	default:
		s.Log.Info("cancelled", "id", b.ID)
		s.drain(r.Context())
	}
	if b == nil {
		s.internalError(w, r)
		return
	}
	v := s.bookedView(b, in.T)
	v.Just = "cancelled"
	s.bookedPage(w, http.StatusOK, "Your session is cancelled", v)
}

// moveForm is the reschedule form as posted.
type moveForm struct {
	B       string  `schema:"b"`
	T       string  `schema:"t"`
	Slot    string  `schema:"slot"`
	TZ      string  `schema:"tz"`
	Result  string  `schema:"result"`
	Website *string `schema:"website"`
}

func (f *moveForm) honeypot() *string { return f.Website }

// handleReschedulePage offers the free times to move to
// (handleReschedule).
func (s *server) handleReschedulePage(w http.ResponseWriter, r *http.Request) {
	b, tok, ok := s.linked(w, r)
	if !ok {
		return
	}
	if b.CancelledAt != nil {
		s.bookedPage(w, http.StatusOK, "This session is cancelled", s.bookedView(b, tok))
		return
	}
	if s.started(b) {
		s.tooLate(w, r, b, "moved")
		return
	}
	f := s.moveForm(b, tok)
	if err := s.withDays(r.Context(), &f); err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.bookPage(w, http.StatusOK, f)
}

// handleReschedule moves the booking to the chosen time, keeping its UID
// so calendars update the event: decode, validate, check the slot, commit.
func (s *server) handleReschedule(w http.ResponseWriter, r *http.Request) {
	var in moveForm
	if !s.decodeHuman(w, r, &in) {
		return
	}
	b, ok := s.managed(w, r, in.B, in.T)
	if !ok {
		return
	}
	if b.CancelledAt != nil {
		s.bookedPage(w, http.StatusConflict, "This session is cancelled", s.bookedView(b, in.T))
		return
	}
	if s.started(b) {
		s.tooLate(w, r, b, "moved")
		return
	}
	f := s.moveForm(b, in.T)
	f.Values.Slot = in.Slot
	if _, ok := booking.LoadZone(in.TZ); ok {
		f.Values.TZ = in.TZ // else the booking's own, as a new booking's form does
	}
	start := parseSlot(&f)
	if len(f.Errors) > 0 {
		s.bookAgain(w, r, http.StatusBadRequest, f)
		return
	}
	slot, ok := s.checkSlot(w, r, f, start, b.Start)
	if !ok {
		return
	}
	// Moves that would go through count: one booking must not hop across
	// the calendar, holding each time in turn.
	if ok, err := s.allow(r, "move:"+b.ID, 24*time.Hour, movesPerBookingPerDay); err != nil {
		s.bookUnavailable(w, r, f, err)
		return
	} else if !ok {
		f.Message = "This session has been moved too often today. Please reply to the confirmation email and we will find a time."
		s.bookAgain(w, r, http.StatusTooManyRequests, f)
		return
	}
	s.commitMove(w, r, f, b, slot)
}

// commitMove moves b to slot and queues the emails about it in one
// transaction, makes a first attempt at sending them, and answers with
// the booking's page.
func (s *server) commitMove(w http.ResponseWriter, r *http.Request, f booking.Form, b *store.Booking, slot booking.Slot) {
	quizNote := s.quizSummary(r.Context(), b.QuizResult)
	var moved *store.Booking
	err := s.write(r, func(ctx context.Context) (err error) {
		moved, err = s.move(ctx, b, slot, f.Values.TZ, quizNote)
		return err
	}, func(ctx context.Context) bool {
		got, err := s.Store.Booking(ctx, b.ID)
		if err == nil && got.Sequence > b.Sequence && got.Start.Equal(slot.Start) {
			moved = got
			return true
		}
		return false
	})
	switch {
	case err == nil:
	case errors.Is(err, store.ErrStarted):
		s.tooLate(w, r, b, "moved")
		return
	case errors.Is(err, store.ErrStale):
		s.staleLink(w, r)
		return
	case errors.Is(err, store.ErrCalendarUnavailable):
		s.bookingPaused(w, r, f)
		return
	case store.ErrorCode(err) == store.ECONFLICT:
		s.slotProblem(w, r, f, slotConflict(err))
		return
	case store.ErrorCode(err) == store.EINVALID:
		f.Message = "The booking could not be moved: " + store.ErrorMessage(err) + "."
		s.bookAgain(w, r, http.StatusBadRequest, f)
		return
	default:
		s.bookUnavailable(w, r, f, err)
		return
	}
	s.Log.Info("moved", "id", moved.ID, "start", moved.Start)
	s.drain(r.Context())
	done := s.manageURL("/api/book/done", moved)
	if _, ok := booking.LoadZone(f.Values.TZ); ok {
		// Perhaps moved from another zone than the booking's: the page
		// shows the time where the prospect is now.
		done += "&tz=" + url.QueryEscape(f.Values.TZ)
	}
	http.Redirect(w, r, done+"&moved=1", http.StatusSeeOther)
}

func (s *server) moveForm(b *store.Booking, tok string) booking.Form {
	f := s.newForm("/api/book/reschedule")
	f.Booking, f.Token = b.ID, tok
	f.Message = "Your session is on " + s.bookedView(b, tok).When + ". Choose a new time."
	return f
}
