package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/theme"
)

const (
	drainTimeout    = 3 * time.Second // emails sent right after the commit
	manageLinkGrace = 24 * time.Hour  // links work until a day after the start
)

// bookForm is the booking form as posted.
type bookForm struct {
	Name       string   `schema:"name"`
	Email      string   `schema:"email"`
	Company    string   `schema:"company"`
	Role       string   `schema:"role"`
	Size       string   `schema:"size"`
	Challenges []string `schema:"challenges"`
	Message    string   `schema:"message"`
	Consent    string   `schema:"consent"`
	Slot       string   `schema:"slot"`
	Result     string   `schema:"result"`
	TZ         string   `schema:"tz"`
	Website    *string  `schema:"website"`
}

func (f *bookForm) honeypot() *string { return f.Website }

// slotsResponse is GET /slots.
type slotsResponse struct {
	TimeZone string         `json:"timeZone"` // the consultant's
	Slots    []booking.Slot `json:"slots"`
	// Paused: no time can be offered, because one of the consultant's
	// calendars cannot be read; Message says so and to write to Email.
	Paused  bool   `json:"paused,omitempty"`
	Message string `json:"message,omitempty"`
	Email   string `json:"email,omitempty"`
}

func (s *server) handleSlots(w http.ResponseWriter, r *http.Request) {
	slots, err := s.freeSlots(r.Context())
	if errors.Is(err, errCalendarsDown) {
		writeJSON(w, http.StatusOK, slotsResponse{TimeZone: s.rules.Location.String(), Slots: []booking.Slot{},
			Paused: true, Message: s.pausedText(), Email: s.Theme.Site().Email})
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	if slots == nil {
		slots = []booking.Slot{}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, slotsResponse{TimeZone: s.rules.Location.String(), Slots: slots})
}

// freeSlots lists the bookable slots from now to the horizon.
func (s *server) freeSlots(ctx context.Context) ([]booking.Slot, error) {
	now := s.Now()
	to := now.AddDate(0, 0, s.rules.HorizonDays+1)
	busy, err := s.busy(ctx, now.Add(-24*time.Hour), to)
	if err != nil {
		return nil, err
	}
	return s.rules.Slots(now, to, now, busy), nil
}

// busy is the time that cannot be booked: the active bookings that
// overlap [from, to), and the busy time of the consultant's calendars
// (errCalendarsDown when one cannot be read).
func (s *server) busy(ctx context.Context, from, to time.Time) ([]booking.Busy, error) {
	events, err := s.calendarBusy(ctx)
	if err != nil {
		return nil, err
	}
	active, err := s.Store.ActiveBookings(ctx, from, to)
	if err != nil {
		return nil, err
	}
	busy := make([]booking.Busy, len(active), len(active)+len(events))
	for i, b := range active {
		busy[i] = booking.Busy{Start: b.Start, End: b.End}
	}
	return append(busy, events...), nil
}

// newForm returns the booking form with the site's choices.
func (s *server) newForm(action string) booking.Form {
	bk := s.Theme.Site().Booking
	return booking.Form{Action: action, Challenges: bk.Challenges, Sizes: bk.CompanySizes, Zone: s.rules.Location.String(), Errors: map[string]string{}}
}

// withDays fills in the free times, the chosen one checked, or notes
// that none can be offered (Paused).
func (s *server) withDays(ctx context.Context, f *booking.Form) error {
	slots, err := s.freeSlots(ctx)
	if errors.Is(err, errCalendarsDown) {
		f.Paused = true
		return nil
	}
	if err != nil {
		return err
	}
	f.Days = s.days(slots, f.Values.Slot)
	return nil
}

// dayLayout labels a day of free times: "Tuesday, December 1".
const dayLayout = "Monday, January 2"

// days groups slots by the consultant's day, labelled with their offset;
// the one whose value is chosen is checked.
func (s *server) days(slots []booking.Slot, chosen string) []booking.Day {
	var days []booking.Day
	for _, sl := range slots {
		local := sl.Start.In(s.rules.Location)
		label := local.Format(dayLayout)
		if len(days) == 0 || days[len(days)-1].Label != label {
			days = append(days, booking.Day{Label: label})
		}
		v := slotValue(sl.Start)
		d := &days[len(days)-1]
		d.Slots = append(d.Slots, booking.Option{Value: v, Label: slotLabel(local), Checked: v == chosen})
	}
	return days
}

// slotValue is a start as the forms send it (parseSlot reads it back):
// RFC 3339 in UTC.
func slotValue(start time.Time) string { return start.UTC().Format(time.RFC3339) }

// slotLabel is a time with its zone and UTC offset: "9:00 AM CST (UTC−06:00)".
func slotLabel(t time.Time) string {
	off := t.Format("-07:00")
	return fmt.Sprintf("%s %s (UTC%s)", t.Format("3:04 PM"), t.Format("MST"), strings.Replace(off, "-", "−", 1))
}

// handleBookForm renders the form with the free times: the no-script path,
// and where a quiz result's "Book a consultation" link leads.
func (s *server) handleBookForm(w http.ResponseWriter, r *http.Request) {
	f := s.newForm("/api/book")
	if id := r.URL.Query().Get("result"); store.ValidID(id) {
		f.Result = id
	}
	f.Values.Slot = r.URL.Query().Get("slot")
	if err := s.withDays(r.Context(), &f); err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.bookPage(w, http.StatusOK, f)
}

func (s *server) bookPage(w http.ResponseWriter, status int, f booking.Form) {
	title := "Book a Complimentary Advisory Session"
	if f.Booking != "" {
		title = "Move your session"
	}
	s.page(w, status, theme.PageSpec{Layout: "book", Title: title, URL: theme.BookURL, Data: f})
}

// handleBook books a consultation in four steps: decode the form,
// validate it, hold it to the rate limits and the availability rules,
// and commit the booking with its emails in one transaction.
func (s *server) handleBook(w http.ResponseWriter, r *http.Request) {
	f, ok := s.decodeBooking(w, r)
	if !ok {
		return
	}
	s.validateBooking(&f)
	visitor := s.clientKey(r)
	// Every attempt from an address counts, a form with mistakes too.
	if s.overLimit(w, r, f, "book-ip:"+visitor, time.Hour, bookPerAddressPerHour,
		"Too many booking attempts from your network in the last hour. Please try again later, or email us.") {
		return
	}
	start := parseSlot(&f)
	if len(f.Errors) > 0 {
		status := http.StatusBadRequest
		if len(f.Errors) == 1 && f.Values.Slot == "" {
			status = http.StatusOK // the no-script path: details first, then the time
		}
		s.bookAgain(w, r, status, f)
		return
	}
	// Per email, only attempts that would book count: a visitor fixing
	// typos in the form does not use up the day's allowance.
	if s.overLimit(w, r, f, "book-email:"+s.signer.pseudonym(strings.ToLower(f.Values.Email)), 24*time.Hour, bookPerEmailPerDay,
		"Too many booking attempts for this email address today. Please email us and we will find a time.") {
		return
	}
	slot, ok := s.checkSlot(w, r, f, start, time.Time{})
	if !ok {
		return
	}
	s.commitBooking(w, r, f, &store.Booking{ID: store.NewID(), CreatedAt: s.Now(), Start: slot.Start, End: slot.End,
		Name: f.Values.Name, Email: f.Values.Email, Company: f.Values.Company, Role: f.Values.Role,
		CompanySize: f.Values.Size, Challenges: f.Values.Challenges, Message: f.Values.Message,
		QuizResult: f.Result, IPHash: visitor, TimeZone: f.Values.TZ})
}

// decodeBooking reads the posted booking form into the form to show
// again; false when it answered the request itself (decodeHuman).
func (s *server) decodeBooking(w http.ResponseWriter, r *http.Request) (booking.Form, bool) {
	var in bookForm
	if !s.decodeHuman(w, r, &in, "challenges") {
		return booking.Form{}, false
	}
	f := s.newForm("/api/book")
	f.Values = booking.Values{Name: strings.TrimSpace(in.Name), Email: strings.TrimSpace(in.Email), Company: strings.TrimSpace(in.Company),
		Role: strings.TrimSpace(in.Role), Size: in.Size, Challenges: in.Challenges, Message: strings.TrimSpace(in.Message),
		Consent: in.Consent == "yes", Slot: in.Slot, TZ: in.TZ}
	if store.ValidID(in.Result) {
		f.Result = in.Result
	}
	return f, true
}

// overLimit counts one attempt under key against max in a sliding window
// of the given length and answers when it is one too many (429, with msg)
// or cannot be counted (503); then it returns true.
func (s *server) overLimit(w http.ResponseWriter, r *http.Request, f booking.Form, key string, window time.Duration, max int, msg string) bool {
	ok, err := s.allow(r, key, window, max)
	if err != nil {
		s.bookUnavailable(w, r, f, err)
		return true
	}
	if !ok {
		f.Message = msg
		s.bookAgain(w, r, http.StatusTooManyRequests, f)
		return true
	}
	return false
}

// checkSlot checks a chosen start against the availability rules, the
// active bookings around it and the calendars' busy time, leaving out the
// booking starting at except (a booking being moved is not in its own way;
// zero for none; a calendar's event at that time stays, as the
// transaction's check keeps it). It answers a start that cannot be
// booked, a store that cannot say, or a calendar that cannot be read, and
// then ok is false.
func (s *server) checkSlot(w http.ResponseWriter, r *http.Request, f booking.Form, start, except time.Time) (slot booking.Slot, ok bool) {
	slot, err := s.slotAt(r.Context(), start, except)
	var se *store.Error
	switch {
	case errors.Is(err, errCalendarsDown):
		s.bookingPaused(w, r, f)
		return booking.Slot{}, false
	case errors.As(err, &se):
		s.bookUnavailable(w, r, f, err)
		return booking.Slot{}, false
	case err != nil:
		s.slotProblem(w, r, f, err)
		return booking.Slot{}, false
	}
	return slot, true
}

// slotAt checks start against the availability rules and the active
// bookings around it, leaving out the one starting at except, and
// returns its slot: a *store.Error when the store cannot say, else the
// rule that fails (booking.ErrTaken, ...).
func (s *server) slotAt(ctx context.Context, start, except time.Time) (booking.Slot, error) {
	busy, err := s.busy(ctx, start.Add(-48*time.Hour), start.Add(48*time.Hour))
	if err != nil {
		return booking.Slot{}, err
	}
	// The booking being moved is not in its own way; a calendar event at
	// the same time still is.
	busy = slices.DeleteFunc(busy, func(x booking.Busy) bool { return !x.Event && x.Start.Equal(except) })
	return s.rules.Check(start, s.Now(), busy)
}

// commitBooking writes b and its emails in one transaction, makes a first
// attempt at sending them, and answers with the booking's page.
func (s *server) commitBooking(w http.ResponseWriter, r *http.Request, f booking.Form, b *store.Booking) {
	msgs, err := s.bookingMessages(b, "confirmation", f.Values.TZ, s.quizSummary(r.Context(), b.QuizResult))
	if err != nil {
		s.Log.Error("compose booking emails", "err", err)
		s.internalError(w, r)
		return
	}
	err = s.write(r, func(ctx context.Context) error { return s.Store.CreateBooking(ctx, b, msgs, s.guard(b.Start)) },
		func(ctx context.Context) bool { _, err := s.Store.Booking(ctx, b.ID); return err == nil })
	var held *store.EmailBookedError
	switch {
	case err == nil:
	case errors.As(err, &held):
		s.alreadyBooked(w, r, f, held.ID)
		return
	case errors.Is(err, store.ErrAddressLimit):
		f.Message = "Your network already has the most upcoming sessions we can hold for it. Please email us and we will find a time."
		s.bookAgain(w, r, http.StatusTooManyRequests, f)
		return
	case errors.Is(err, store.ErrCalendarUnavailable):
		s.bookingPaused(w, r, f)
		return
	case store.ErrorCode(err) == store.ECONFLICT:
		s.slotProblem(w, r, f, slotConflict(err))
		return
	default:
		// Validation above applies the store's rules, so anything else is
		// the store failing: 503, nothing written.
		s.bookUnavailable(w, r, f, err)
		return
	}
	s.Log.Info("booked", "id", b.ID, "start", b.Start)
	s.drain(r.Context())
	done := s.manageURL("/api/book/done", b)
	if wantsJSON(r) {
		writeJSON(w, http.StatusCreated, map[string]any{"id": b.ID, "start": b.Start, "end": b.End, "url": done})
		return
	}
	http.Redirect(w, r, done, http.StatusSeeOther)
}

// slotConflict is what a conflict from the store's booking rules means
// for the visitor: since the time was checked, its day filled up, or the
// time (or one within the buffer of it) was taken.
func slotConflict(err error) error {
	if errors.Is(err, booking.ErrDayFull) {
		return booking.ErrDayFull
	}
	return booking.ErrTaken
}

// alreadyBooked answers a booking for an email that already holds an
// upcoming session (id). The links to move or cancel that one go to the
// address, at most once a day, and never to the page: anyone can type
// anyone's email into the form.
func (s *server) alreadyBooked(w http.ResponseWriter, r *http.Request, f booking.Form, id string) {
	if err := s.sendExisting(r, id); err != nil {
		s.Log.Warn("existing booking's links", "id", id, "err", err)
	}
	f.Message = "This email address already has an upcoming session with us. We have sent the links to move or cancel it to that address. One session at a time keeps the calendar open for everyone."
	s.bookAgain(w, r, http.StatusConflict, f)
}

// sendExisting queues, at most once a day, an email with the links of
// the upcoming booking id to its own address.
func (s *server) sendExisting(r *http.Request, id string) error {
	ok, err := s.allow(r, "existing:"+id, 24*time.Hour, sendsPerDay)
	if err != nil || !ok {
		return err
	}
	b, err := s.Store.Booking(r.Context(), id)
	if err != nil {
		return err
	}
	msg, err := s.existingMessage(b)
	if err != nil {
		return err
	}
	if err := s.write(r, func(ctx context.Context) error { return s.Store.QueueMessages(ctx, []store.OutboxMessage{msg}) }, nil); err != nil {
		return err
	}
	s.drain(r.Context())
	return nil
}

// validateBooking fills f.Errors for every field that is wrong, and
// drops what is left unusable but harmless: repeated challenges, and a
// visitor zone that is not one. The chosen time is parseSlot's.
func (s *server) validateBooking(f *booking.Form) {
	v := &f.Values
	if v.Name == "" {
		f.Errors["name"] = "Enter your name."
	}
	for field, val := range map[string]string{"name": v.Name, "company": v.Company, "role": v.Role} {
		if msg := lineProblem(val); msg != "" {
			f.Errors[field] = msg
		}
	}
	if msg := emailProblem(v.Email); msg != "" {
		f.Errors["email"] = msg
	}
	if msg := messageProblem(v.Message); msg != "" {
		f.Errors["message"] = msg
	}
	if v.Size != "" && !slices.Contains(f.Sizes, v.Size) {
		f.Errors["size"] = "Choose one of the sizes listed."
	}
	v.Challenges = uniq(v.Challenges)
	for _, c := range v.Challenges {
		if !slices.Contains(f.Challenges, c) {
			f.Errors["challenges"] = "Choose from the statements listed."
		}
	}
	if !v.Consent {
		f.Errors["consent"] = "Tick the box so we may use these details for the session."
	}
	if _, ok := booking.LoadZone(v.TZ); !ok {
		v.TZ = ""
	}
}

// parseSlot returns the start the form chose, or notes the problem in
// f.Errors.
func parseSlot(f *booking.Form) time.Time {
	start, err := time.Parse(time.RFC3339, f.Values.Slot)
	if err != nil {
		f.Errors["slot"] = "Choose one of the times below."
	}
	return start
}

// uniq returns list without repeats, in the order of first appearance.
func uniq(list []string) []string {
	seen := map[string]bool{}
	return slices.DeleteFunc(slices.Clone(list), func(x string) bool {
		dup := seen[x]
		seen[x] = true
		return dup
	})
}

// bookAgain answers with the form, the visitor's values kept, the times
// listed, and a message per problem.
func (s *server) bookAgain(w http.ResponseWriter, r *http.Request, status int, f booking.Form) {
	if wantsJSON(r) {
		writeJSON(w, status, apiError{Error: cmp.Or(f.Message, "please check the form"), Fields: f.Errors})
		return
	}
	if f.Days == nil {
		if err := s.withDays(r.Context(), &f); err != nil {
			s.Log.Error("slots", "err", err)
			f.Message = unavailableText
			status = http.StatusServiceUnavailable
		}
	}
	s.bookPage(w, status, f)
}

// slotProblem answers a chosen time that cannot be booked: 409 with the
// next free times offered when it was taken.
func (s *server) slotProblem(w http.ResponseWriter, r *http.Request, f booking.Form, err error) {
	status := http.StatusBadRequest
	switch {
	case errors.Is(err, booking.ErrTaken), errors.Is(err, booking.ErrDayFull):
		status = http.StatusConflict
		f.Errors["slot"] = "Someone has just booked that time. Please choose another; the next free times are listed."
	case errors.Is(err, booking.ErrTooSoon):
		f.Errors["slot"] = "That time is too soon to book. Please choose a later one."
	default:
		f.Errors["slot"] = "That time is not available. Please choose one of the times listed."
	}
	f.Values.Slot = ""
	if slots, e := s.freeSlots(r.Context()); e == nil {
		for _, sl := range slots[:min(len(slots), 3)] {
			local := sl.Start.In(s.rules.Location)
			f.Next = append(f.Next, booking.Option{Value: slotValue(sl.Start), Label: local.Format(dayLayout+", ") + slotLabel(local)})
		}
		f.Days = s.days(slots, "") // listed once, for the form below too
	}
	s.bookAgain(w, r, status, f)
}

// bookUnavailable answers when the store is down: 503, the form kept,
// nothing half-written (the booking is one transaction).
func (s *server) bookUnavailable(w http.ResponseWriter, r *http.Request, f booking.Form, err error) {
	s.Log.Error("booking store", "err", err)
	if wantsJSON(r) {
		writeJSON(w, http.StatusServiceUnavailable, apiError{Error: "we could not book just now; nothing was saved, please try again in a minute"})
		return
	}
	f.Message = "We could not book just now: nothing was saved, and your details are kept below. Please try again in a minute."
	if start, err := time.Parse(time.RFC3339, f.Values.Slot); err == nil {
		// The times cannot be listed; keep the one chosen.
		f.Days = s.days([]booking.Slot{{Start: start}}, slotValue(start))
	}
	s.bookPage(w, http.StatusServiceUnavailable, f)
}

// drain sends what the outbox holds, briefly; what fails stays queued for
// later requests and site leads send.
func (s *server) drain(ctx context.Context) {
	if s.Mail == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
	defer cancel()
	sent, failed, err := mail.Drain(ctx, s.Store, s.Mail, s.Now(), 10)
	if err != nil || failed > 0 {
		s.Log.Warn("outbox", "sent", sent, "failed", failed, "err", err)
	}
}

// manageURL is a signed link to a booking's page (done, cancel, move).
func (s *server) manageURL(path string, b *store.Booking) string {
	return linkURL(path, b.ID, s.signer.token("manage", b.ID, b.Sequence, b.Start.Add(manageLinkGrace)))
}

// linkURL is path with a booking's id and a signed link's token.
func linkURL(path, id, tok string) string { return path + "?b=" + id + "&t=" + tok }

// clientIP is the address the request came from (lambdahttp sets it from
// Netlify's header).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
