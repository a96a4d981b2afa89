package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/build"
	"github.com/cassidine/site/internal/store"
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

func (s *server) bookedView(b *store.Booking, tok string) BookedView {
	local := b.Start.In(s.rules.Location)
	return BookedView{
		Booking: b, When: local.Format("Monday, January 2, 2006 at ") + slotLabel(local), UTC: b.Start.UTC().Format("Monday, January 2, 2006 at 15:04 UTC"),
		Zone: s.rules.Location.String(), Token: tok, Cancelled: b.CancelledAt != nil,
		CancelURL: "/api/book/cancel?b=" + b.ID + "&t=" + tok, MoveURL: "/api/book/reschedule?b=" + b.ID + "&t=" + tok,
	}
}

func (s *server) bookedPage(w http.ResponseWriter, status int, title string, v BookedView) {
	s.page(w, status, build.ShellPage{Layout: "booked", Title: title, URL: "/api/book/done", Data: v})
}

// handleDone is the thank-you page after booking or moving.
func (s *server) handleDone(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	b, ok := s.managed(w, r, q.Get("b"), q.Get("t"))
	if !ok {
		return
	}
	v := s.bookedView(b, q.Get("t"))
	v.Just = "booked"
	if q.Get("moved") == "1" {
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
	q := r.URL.Query()
	b, ok := s.managed(w, r, q.Get("b"), q.Get("t"))
	if !ok {
		return
	}
	v := s.bookedView(b, q.Get("t"))
	v.Confirm = !v.Cancelled
	s.bookedPage(w, http.StatusOK, "Cancel your session", v)
}

// handleCancel cancels: the slot is freed, the prospect gets a
// METHOD:CANCEL invite with the same UID and a higher SEQUENCE, and the
// consultant is told.
func (s *server) handleCancel(w http.ResponseWriter, r *http.Request) {
	var in cancelForm
	if _, e := decodeForm(s.forms, r, &in); e != nil {
		s.requestFailed(w, r, e)
		return
	}
	if _, ok := s.managed(w, r, in.B, in.T); !ok {
		return
	}
	current, err := s.Store.Booking(r.Context(), in.B)
	if err != nil {
		s.storeFailed(w, r, err)
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

// handleReschedulePage offers the free times to move to
// (handleReschedule).
func (s *server) handleReschedulePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	b, ok := s.managed(w, r, q.Get("b"), q.Get("t"))
	if !ok {
		return
	}
	if b.CancelledAt != nil {
		s.bookedPage(w, http.StatusOK, "This session is cancelled", s.bookedView(b, q.Get("t")))
		return
	}
	f := s.moveForm(b, q.Get("t"))
	if err := s.withDays(r.Context(), &f); err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.bookPage(w, http.StatusOK, f)
}

// handleReschedule moves the booking to the chosen time, keeping its UID
// so calendars update the event.
func (s *server) handleReschedule(w http.ResponseWriter, r *http.Request) {
	var in moveForm
	if _, e := decodeForm(s.forms, r, &in); e != nil {
		s.requestFailed(w, r, e)
		return
	}
	if in.Website == nil || *in.Website != "" {
		s.fakeSuccess(w, r)
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
	start, err := time.Parse(time.RFC3339, in.Slot)
	if err != nil {
		f.Errors["slot"] = "Choose one of the times below."
		s.bookAgain(w, r, http.StatusBadRequest, f)
		return
	}
	busy, err := s.busy(r.Context(), start.Add(-48*time.Hour), start.Add(48*time.Hour))
	if err != nil {
		s.bookUnavailable(w, r, f, err)
		return
	}
	// The booking's own slot does not count against the move.
	busy = slicesDeleteFunc(busy, func(x booking.Busy) bool { return x.Start.Equal(b.Start) })
	slot, err := s.rules.Check(start, s.Now(), busy)
	if err != nil {
		s.slotProblem(w, r, f, err)
		return
	}
	quizText := s.quizSummary(r.Context(), b.QuizResult)
	wctx, cancel := writeCtx(r.Context())
	defer cancel()
	moved, err := s.Store.RescheduleBooking(wctx, b.ID, slot.Start, slot.End, func(nb *store.Booking) ([]store.OutboxMessage, error) {
		return s.bookingMessages(nb, "reschedule", in.TZ, quizText)
	})
	if err != nil {
		if store.ErrorCode(err) == store.ECONFLICT {
			s.slotProblem(w, r, f, booking.ErrTaken)
			return
		}
		if store.ErrorCode(err) == store.EINVALID {
			f.Message = "The booking could not be moved: " + store.ErrorMessage(err) + "."
			s.bookAgain(w, r, http.StatusBadRequest, f)
			return
		}
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
	f.Message = "Your session is on " + strings.TrimSuffix(s.bookedView(b, tok).When, "") + ". Choose a new time."
	return f
}

func slicesDeleteFunc[T any](s []T, del func(T) bool) []T {
	out := s[:0:0]
	for _, x := range s {
		if !del(x) {
			out = append(out, x)
		}
	}
	return out
}
