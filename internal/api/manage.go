package api

import (
	"net/http"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/theme"
)

// BookedView is what the booking's own pages show (.Data).
type BookedView struct {
	Booking   *store.Booking
	When      string // in the consultant's zone
	UTC       string
	Zone      string
	Token     string
	CancelURL string
	MoveURL   string
	Cancelled bool
	Just      string // "booked", "moved", "cancelled": what just happened
	Confirm   bool   // the cancel page asks before cancelling
}

// managed loads the booking a signed link names, or answers the problem.
func (s *server) managed(w http.ResponseWriter, r *http.Request, id, tok string) (*store.Booking, bool) {
	if err := s.signer.check("manage", id, tok, s.Now()); err != nil {
		s.messagePage(w, r, http.StatusForbidden, message{Title: "This link does not work", Text: "The link is not valid or has expired. To change a booking, reply to its confirmation email.", Link: "/book/", Label: "Book a session"})
		return nil, false
	}
	b, err := s.Store.Booking(r.Context(), id)
	if err != nil {
		s.storeFailed(w, r, err)
		return nil, false
	}
	return b, true
}

// linked is managed for a signed link's query (b and t): it returns the
// booking and the link's token.
func (s *server) linked(w http.ResponseWriter, r *http.Request) (*store.Booking, string, bool) {
	q := r.URL.Query()
	b, ok := s.managed(w, r, q.Get("b"), q.Get("t"))
	return b, q.Get("t"), ok
}

func (s *server) bookedView(b *store.Booking, tok string) BookedView {
	local := b.Start.In(s.rules.Location)
	return BookedView{
		Booking: b, When: local.Format(dayLayout+", 2006 at ") + slotLabel(local), UTC: b.Start.UTC().Format(dayLayout + ", 2006 at 15:04 UTC"),
		Zone: s.rules.Location.String(), Token: tok, Cancelled: b.CancelledAt != nil,
		CancelURL: linkURL("/api/book/cancel", b.ID, tok), MoveURL: linkURL("/api/book/reschedule", b.ID, tok),
	}
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
	v := s.bookedView(b, tok)
	v.Just = "booked"
	if r.URL.Query().Get("moved") == "1" {
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
	quizText := s.quizSummary(r.Context(), current.QuizResult)
	wctx, cancel := writeCtx(r.Context())
	defer cancel()
	b, err := s.Store.CancelBooking(wctx, in.B, s.Now(), func(b *store.Booking) ([]store.OutboxMessage, error) {
		return s.bookingMessages(b, "cancellation", "", quizText)
	})
	switch {
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
	f := s.moveForm(b, in.T)
	f.Values.Slot, f.Values.TZ = in.Slot, in.TZ
	start := parseSlot(&f)
	if len(f.Errors) > 0 {
		s.bookAgain(w, r, http.StatusBadRequest, f)
		return
	}
	slot, ok := s.checkSlot(w, r, f, start, b.Start)
	if !ok {
		return
	}
	s.commitMove(w, r, f, b, slot)
}

// commitMove moves b to slot and queues the emails about it in one
// transaction, makes a first attempt at sending them, and answers with
// the booking's page.
func (s *server) commitMove(w http.ResponseWriter, r *http.Request, f booking.Form, b *store.Booking, slot booking.Slot) {
	quizText := s.quizSummary(r.Context(), b.QuizResult)
	wctx, cancel := writeCtx(r.Context())
	defer cancel()
	moved, err := s.Store.RescheduleBooking(wctx, b.ID, slot.Start, slot.End, func(nb *store.Booking) ([]store.OutboxMessage, error) {
		return s.bookingMessages(nb, "reschedule", f.Values.TZ, quizText)
	})
	switch store.ErrorCode(err) {
	case "":
	case store.ECONFLICT:
		s.slotProblem(w, r, f, booking.ErrTaken)
		return
	case store.EINVALID:
		f.Message = "The booking could not be moved: " + store.ErrorMessage(err) + "."
		s.bookAgain(w, r, http.StatusBadRequest, f)
		return
	default:
		s.bookUnavailable(w, r, f, err)
		return
	}
	s.Log.Info("moved", "id", moved.ID, "start", moved.Start)
	s.drain(r.Context())
	http.Redirect(w, r, s.manageURL("/api/book/done", moved)+"&moved=1", http.StatusSeeOther)
}

func (s *server) moveForm(b *store.Booking, tok string) booking.Form {
	f := s.newForm("/api/book/reschedule")
	f.Booking, f.Token = b.ID, tok
	f.Message = "Your session is on " + s.bookedView(b, tok).When + ". Choose a new time."
	return f
}
