// Package api is the site's one serverless function as an ordinary
// http.Handler: the readiness quiz (scoring, result pages, emailing a
// result) and, with the booking work, consultation booking. cmd/api runs it
// on Netlify through package lambdahttp; site serve mounts it in-process.
//
// Routes (with or without the /api or /.netlify/functions/api prefix):
//
//	POST /quiz               score a quiz form: 303 to the result page, or JSON
//	GET  /quiz/result/{id}   a stored result (also at the site path /quiz/result/{id})
//	POST /quiz/email         email a result to the address given (consent), alert the consultant
//	GET  /slots              free consultation slots (JSON)
//	GET  /book               the booking form with the free times (no script needed)
//	POST /book               book: one transaction for the booking and its emails
//	GET  /book/done          the booking's page (signed link)
//	GET|POST /book/cancel    cancel (signed link; asks first)
//	GET|POST /book/reschedule  move to another time (signed link)
//	GET  /calendar/{token}.ics the consultant's feed of bookings (BookingsFeedPath)
//
// The busy time of the consultant's own calendars (CALENDAR_URLS, cached
// in the store by package calsync) is not offered, and while one cannot be
// read nothing is: the pages say to email instead. Function.RefreshCalendars
// is the hourly job's share of that work.
//
// Every response carries the site's security headers; pages use the site's
// own layouts through package theme. Every email goes through the outbox
// as plain text with an HTML alternative in the site's look
// (theme.RenderEmail), times in the prospect's zone and the consultant's.
// Open builds the Function from the environment; New from explicit
// dependencies (tests).
//
// Beside its handler, a Function does the hourly work (Hourly: the
// reminders before each session, then the email outbox; the scheduled
// function cmd/tasks runs it) and the consultant's commands (Cancel and
// Move, for site leads cancel and move), which go through the same code as
// the prospect's signed links. Where a session takes place and its
// reminders come from site.toml's [booking] location and reminders.
package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/schema"

	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/calsync"
	"github.com/cassidine/site/internal/headers"
	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/theme"
)

// Deps are what the handler needs; tests pass their own.
type Deps struct {
	Store       store.Store
	Theme       *theme.Theme // the site's settings, layouts, assets and quiz
	Mail        mail.Sender  // nil: emails stay queued in the outbox
	Secret      []byte       // SITE_SECRET: signs manage links, keys the pseudonyms of addresses and emails
	NotifyEmail string       // the consultant's address (default: site.toml email)
	MailFrom    string       // the sender (default: the site's title and email)
	Now         func() time.Time
	Log         *slog.Logger
	Budget      time.Duration // the most a request may take (default defaultBudget)
	// Calendars are the addresses of the consultant's private calendar
	// feeds (CALENDAR_URLS, secrets): their busy time is not offered.
	Calendars []string
	Client    *http.Client // fetches the calendar feeds (nil: http.DefaultClient)
}

// server holds the handler's dependencies.
type server struct {
	Deps
	quiz    *quiz.Quiz
	quizVer string
	rules   *booking.Rules // nil when the site takes no bookings
	signer  signer
	forms   *schema.Decoder
	cals    *calsync.Feeds // nil without calendar feeds
	alerts  atomic.Int64   // alerts about calendar feeds composed so far
	handler http.Handler   // routes
}

// New returns the function over explicit dependencies: its handler, its
// hourly work and the consultant's commands (tests; Open builds it from
// the environment).
func New(d Deps) *Function {
	f := &Function{}
	f.s.Store(newServer(d))
	return f
}

func newServer(d Deps) *server {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	s := &server{Deps: d, forms: newDecoder(), signer: signer{key: d.Secret}}
	s.quiz, s.quizVer = d.Theme.Site().Quiz, d.Theme.Site().QuizVer
	s.rules = d.Theme.Rules()
	s.cals = s.newCalendars()
	s.handler = s.routes()
	return s
}

// routes lists every route in one place, by method and path. A site
// without a quiz or without bookings has none of their routes: their
// addresses are not found, as any other. A path that takes a form
// answers the methods it does not take with a 405 and the site's message
// page (methodNotAllowed), where ServeMux would answer in plain text.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	methods := map[string][]string{} // path → the methods it takes
	handle := func(pattern string, h http.HandlerFunc) {
		mux.HandleFunc(pattern, h)
		method, path, _ := strings.Cut(pattern, " ")
		methods[path] = append(methods[path], method)
	}
	if s.quiz != nil {
		handle("POST /quiz", s.handleQuiz)
		handle("GET /quiz/result/{id}", s.handleQuizResult)
		handle("GET /quiz/result/{id}/{$}", s.handleQuizResult)
		handle("POST /quiz/email", s.handleQuizEmail)
	}
	if s.rules != nil {
		handle("GET /slots", s.handleSlots)
		handle("GET /book", s.handleBookForm)
		handle("POST /book", s.handleBook)
		handle("GET /book/done", s.handleDone)
		handle("GET /book/cancel", s.handleCancelPage)
		handle("POST /book/cancel", s.handleCancel)
		handle("GET /book/reschedule", s.handleReschedulePage)
		handle("POST /book/reschedule", s.handleReschedule)
		if len(s.Secret) > 0 {
			handle("GET /calendar/{file}", s.handleBookingsFeed)
		}
	}
	for path, allow := range methods {
		if slices.Contains(allow, http.MethodPost) {
			mux.HandleFunc(path, s.methodNotAllowed(strings.Join(allow, ", ")))
		}
	}
	mux.HandleFunc("/", s.notFound)
	return s.secure(s.deadline(s.crossSite(stripPrefix(mux))))
}

// stripPrefix removes /.netlify/functions/api or /api, whichever the
// request came in by, so routes are written once.
func stripPrefix(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		for _, prefix := range []string{"/.netlify/functions/api", "/api"} {
			if rest, ok := strings.CutPrefix(p, prefix); ok && (rest == "" || rest[0] == '/') {
				p = rest
				break
			}
		}
		if p == "" {
			p = "/"
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path, r2.URL.RawPath = p, ""
		h.ServeHTTP(w, r2)
	})
}

// secure sets the security headers on every response (Netlify's _headers
// do not reach functions) and keeps personal pages out of caches.
func (s *server) secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		headers.Set(w.Header())
		w.Header().Set("Cache-Control", "no-store")
		// Results, forms and bookings are personal: never in search results.
		w.Header().Set("X-Robots-Tag", "noindex")
		defer func() {
			if v := recover(); v != nil {
				s.Log.Error("panic", "path", r.URL.Path, "panic", v)
				s.internalError(w, r)
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// page renders a page in the site's look with the given status.
func (s *server) page(w http.ResponseWriter, status int, sp theme.PageSpec) {
	var buf bytes.Buffer
	if err := s.Theme.Render(&buf, sp); err != nil {
		// Still answer what happened, in plain text.
		s.Log.Error("render", "layout", sp.Layout, "err", err)
		text := sp.Title
		if m, ok := sp.Data.(message); ok {
			text = m.Title + ": " + m.Text
		}
		http.Error(w, text, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// apiError is the JSON body of every error.
type apiError struct {
	Error  string            `json:"error"`
	Fields map[string]string `json:"fields,omitempty"` // field or statement id → message
}

// message renders a plain page with a title and a paragraph.
type message struct {
	Title string
	Text  string
	Link  string
	Label string
}

func (s *server) messagePage(w http.ResponseWriter, r *http.Request, status int, m message) {
	if wantsJSON(r) {
		writeJSON(w, status, apiError{Error: m.Text})
		return
	}
	s.page(w, status, theme.PageSpec{Layout: "message", Title: m.Title, URL: r.URL.Path, Data: m})
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.messagePage(w, r, http.StatusNotFound, message{Title: "Page not found", Text: "There is nothing at this address.", Link: "/", Label: "Go to the home page"})
}

func (s *server) internalError(w http.ResponseWriter, r *http.Request) {
	s.messagePage(w, r, http.StatusInternalServerError, message{Title: "Something went wrong", Text: "internal error", Link: "/", Label: "Go to the home page"})
}

// requestFailed answers a request the client must fix.
func (s *server) requestFailed(w http.ResponseWriter, r *http.Request, e *requestError) {
	link, label := "/quiz/", "Back to the quiz"
	if strings.HasPrefix(r.URL.Path, "/book") {
		link, label = "/book/", "Back to booking"
	}
	s.messagePage(w, r, e.Status, message{Title: "We could not read that form", Text: e.Message, Link: link, Label: label})
}

// methodNotAllowed answers a method a form's path does not take, as the
// form's other problems are answered, with allow in the Allow header.
func (s *server) methodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		s.requestFailed(w, r, &requestError{http.StatusMethodNotAllowed, "use POST"})
	}
}

// unavailable answers when the store is down; nothing was saved.
const unavailableText = "We could not save this just now. Nothing was lost on your side: your answers are below; please try again in a minute."

// absURL is a site path as an absolute URL.
func (s *server) absURL(p string) string {
	return strings.TrimSuffix(s.Theme.Site().BaseURL, "/") + p
}

// Every request has a deadline. In Lambda the invocation's context
// carries the function's own (Netlify stops synchronous functions after 10
// seconds by default); answerMargin of it is kept back so that a request
// whose store call ran out of time can still answer 503 with the form.
const (
	defaultBudget = 9 * time.Second // a request without a deadline (site serve)
	answerMargin  = time.Second
	minBudget     = 100 * time.Millisecond
)

// deadline gives each request its deadline: the invocation's, less the
// margin to answer, and at most the budget (Deps.Budget, default
// defaultBudget).
func (s *server) deadline(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		budget := cmp.Or(s.Budget, defaultBudget)
		if dl, ok := r.Context().Deadline(); ok {
			budget = min(budget, max(time.Until(dl)-answerMargin, minBudget))
		}
		ctx, cancel := context.WithTimeout(r.Context(), budget)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// write runs a store write with the request's deadline but not its
// cancellation: a visitor who closes the page does not cut a transaction
// short between its commit and the answer. A write whose COMMIT failed
// may have landed all the same: committed, if given, reads back whether
// it did (with a short context of its own), so that a visitor is never
// told that a booking failed which in fact was made.
func (s *server) write(r *http.Request, do func(ctx context.Context) error, committed func(ctx context.Context) bool) error {
	ctx := context.WithoutCancel(r.Context())
	var cancel context.CancelFunc
	if dl, ok := r.Context().Deadline(); ok {
		ctx, cancel = context.WithDeadline(ctx, dl)
	} else {
		ctx, cancel = context.WithTimeout(ctx, cmp.Or(s.Budget, defaultBudget))
	}
	defer cancel()
	err := do(ctx)
	if err != nil && committed != nil && errors.Is(err, store.ErrOutcomeUnknown) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), answerMargin/2)
		defer cancel()
		if committed(cctx) {
			s.Log.Warn("a commit reported an error but landed", "err", err)
			return nil
		}
	}
	return err
}
