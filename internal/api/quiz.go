package api

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cassidine/site/internal/mail"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/theme"
)

// quizForm is the quiz form as posted: one answer per statement, in the
// quiz's order (q.0.a, q.1.a, ...; see quiz.FieldName), the quiz's
// version, and the honeypot.
type quizForm struct {
	Q       []quizAnswer `schema:"q"`
	V       string       `schema:"v"`
	Website *string      `schema:"website"` // must be present and empty
}

func (f *quizForm) honeypot() *string { return f.Website }

type quizAnswer struct {
	A string `schema:"a"`
}

// ResultView is what the result page and fragment show (.Data).
//
// Its "email me this result" form asks two things apart: to send the
// result to an address (ConsentGiven, required: the address is kept with
// the result for that) and, optionally, to be contacted about it
// (ContactGiven).
type ResultView struct {
	ID           string
	Result       quiz.Result
	Permalink    string // absolute URL of the result page
	BookURL      string // the booking page, carrying the result
	Emailed      bool
	EmailValue   string
	EmailError   string
	ConsentGiven bool // send the result to EmailValue
	ConsentError string
	ContactGiven bool // and contact me about it
}

// quizResponse is the JSON answer to a scored quiz.
type quizResponse struct {
	ID     string        `json:"id"`
	URL    string        `json:"url"`
	Result quiz.Result   `json:"result"`
	HTML   template.HTML `json:"html"` // the result, rendered, for the page to insert
}

// handleQuiz scores a quiz form in three steps: decode the answers,
// validate them, and commit the scored result.
func (s *server) handleQuiz(w http.ResponseWriter, r *http.Request) {
	form, version, ok := s.decodeQuiz(w, r)
	if !ok {
		return
	}
	answers, ok := s.validateQuiz(w, r, form, version)
	if !ok {
		return
	}
	if ok, err := s.allow(r, "quiz-ip:"+s.clientKey(r), time.Hour, quizPerAddressPerHour); err != nil || !ok {
		s.quizLimited(w, r, form, err)
		return
	}
	s.commitQuiz(w, r, form, answers)
}

// decodeQuiz reads the posted answers, by statement id, into the form to
// show again, and returns the quiz version the page was loaded with;
// false when it answered the request itself (decodeHuman).
func (s *server) decodeQuiz(w http.ResponseWriter, r *http.Request) (form quiz.Form, version string, ok bool) {
	var f quizForm
	if !s.decodeHuman(w, r, &f) {
		return quiz.Form{}, "", false
	}
	if len(f.Q) > len(s.quiz.Questions) {
		s.requestFailed(w, r, badRequest("the form has %d answers; the quiz has %d statements", len(f.Q), len(s.quiz.Questions)))
		return quiz.Form{}, "", false
	}
	answers := map[string]string{}
	for i, q := range s.quiz.Questions {
		answers[q.ID] = ""
		if i < len(f.Q) {
			answers[q.ID] = f.Q[i].A
		}
	}
	return quiz.Form{Quiz: s.quiz, Version: s.quizVer, Values: answers}, f.V, true
}

// validateQuiz checks the answers against the quiz, which must be the
// version the page was loaded with. It answers a form with problems,
// keeping its answers, and then ok is false.
func (s *server) validateQuiz(w http.ResponseWriter, r *http.Request, form quiz.Form, version string) (quiz.Answers, bool) {
	if version != s.quizVer {
		form.Message = "The quiz changed since this page was loaded. Your answers are kept; please check them and send the form again."
		s.quizFormAgain(w, r, http.StatusConflict, form)
		return nil, false
	}
	valid, problems := s.quiz.Validate(form.Values)
	if len(problems) > 0 {
		form.Errors = map[string]string{}
		for _, p := range problems {
			form.Errors[p.Question] = p.Message
		}
		s.quizFormAgain(w, r, http.StatusBadRequest, form)
		return nil, false
	}
	return valid, true
}

// commitQuiz scores and stores the answers, and answers with the result:
// a redirect to its page, or JSON with the result rendered to insert.
func (s *server) commitQuiz(w http.ResponseWriter, r *http.Request, form quiz.Form, answers quiz.Answers) {
	res := s.quiz.Score(answers)
	rec := &store.QuizResult{ID: store.NewID(), CreatedAt: s.Now(), Answers: answers, Overall: res.Score, Band: res.Band.ID, Dimensions: map[string]int{}}
	for _, d := range res.Dimensions {
		rec.Dimensions[d.ID] = d.Score
	}
	err := s.write(r, func(ctx context.Context) error { return s.Store.SaveQuizResult(ctx, rec) },
		func(ctx context.Context) bool { _, err := s.Store.QuizResult(ctx, rec.ID); return err == nil })
	if err != nil {
		s.Log.Error("save quiz result", "err", err)
		form.Message = unavailableText
		s.quizFormAgain(w, r, http.StatusServiceUnavailable, form)
		return
	}
	s.Log.Info("quiz scored", "id", rec.ID, "band", rec.Band)
	if !wantsJSON(r) {
		http.Redirect(w, r, resultPath(rec.ID), http.StatusSeeOther)
		return
	}
	var frag bytes.Buffer
	if err := s.Theme.RenderPartial(&frag, "partials/quiz-result.html", s.resultView(rec.ID, res)); err != nil {
		s.Log.Error("render result", "err", err)
		s.internalError(w, r)
		return
	}
	writeJSON(w, http.StatusCreated, quizResponse{ID: rec.ID, URL: resultPath(rec.ID), Result: res, HTML: template.HTML(frag.String())})
}

// quizLimited answers a quiz sent too often from one address (429), or
// whose count failed (503), with the answers kept.
func (s *server) quizLimited(w http.ResponseWriter, r *http.Request, form quiz.Form, err error) {
	status := http.StatusTooManyRequests
	form.Message = "Too many quizzes were sent from your network in the last hour. Your answers are kept; please try again later."
	if err != nil {
		s.Log.Error("quiz rate limit", "err", err)
		status, form.Message = http.StatusServiceUnavailable, unavailableText
	}
	s.quizFormAgain(w, r, status, form)
}

// quizFormAgain answers with the form and the visitor's answers kept, a
// message at each problem; JSON callers get the statement ids.
func (s *server) quizFormAgain(w http.ResponseWriter, r *http.Request, status int, form quiz.Form) {
	if wantsJSON(r) {
		writeJSON(w, status, apiError{Error: cmp.Or(form.Message, "some statements are not answered"), Fields: form.Errors})
		return
	}
	s.page(w, status, theme.PageSpec{Layout: "quiz", Title: s.quiz.Title, URL: theme.QuizURL, Data: form})
}

// fakeSuccess answers a bot as if its form had worked.
func (s *server) fakeSuccess(w http.ResponseWriter, r *http.Request) {
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		return
	}
	s.page(w, http.StatusOK, theme.PageSpec{Layout: "message", Title: "Thank you", URL: r.URL.Path,
		Data: message{Title: "Thank you", Text: "Your answers were received.", Link: "/", Label: "Go to the home page"}})
}

func resultPath(id string) string { return "/quiz/result/" + id + "/" }

func (s *server) resultView(id string, res quiz.Result) ResultView {
	return ResultView{
		ID:        id,
		Result:    res,
		Permalink: s.absURL(resultPath(id)),
		BookURL:   "/api/book?result=" + url.QueryEscape(id),
	}
}

// loadResult scores a stored result with the current quiz.
func (s *server) loadResult(ctx context.Context, id string) (*store.QuizResult, quiz.Result, error) {
	rec, err := s.Store.QuizResult(ctx, id)
	if err != nil {
		return nil, quiz.Result{}, err
	}
	answers := quiz.Answers{}
	for _, q := range s.quiz.Questions {
		answers[q.ID] = rec.Answers[q.ID]
	}
	return rec, s.quiz.Score(answers), nil
}

func (s *server) handleQuizResult(w http.ResponseWriter, r *http.Request) {
	rec, res, err := s.loadResult(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	view := s.resultView(rec.ID, res)
	view.Emailed = r.URL.Query().Get("emailed") == "1"
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, quizResponse{ID: rec.ID, URL: resultPath(rec.ID), Result: res})
		return
	}
	s.resultPage(w, http.StatusOK, view)
}

func (s *server) resultPage(w http.ResponseWriter, status int, v ResultView) {
	s.page(w, status, theme.PageSpec{Layout: "quiz-result", Title: "Your readiness result: " + v.Result.Band.Headline,
		Description: "A readiness result for the operational readiness quiz.", URL: resultPath(v.ID), Data: v})
}

// storeFailed answers a failed read: 404 for an unknown id, 503 when the
// store is down.
func (s *server) storeFailed(w http.ResponseWriter, r *http.Request, err error) {
	switch store.ErrorCode(err) {
	case store.ENOTFOUND:
		s.messagePage(w, r, http.StatusNotFound, message{Title: "Result not found", Text: "There is no quiz result at this address. Check the link, or take the quiz again.", Link: "/quiz/", Label: "Take the quiz"})
	case store.EUNAVAILABLE:
		s.Log.Error("store unavailable", "err", err)
		s.messagePage(w, r, http.StatusServiceUnavailable, message{Title: "Please try again in a minute", Text: "We could not reach our records just now.", Link: r.URL.Path, Label: "Try again"})
	default:
		s.Log.Error("store", "err", err)
		s.internalError(w, r)
	}
}

// emailForm is the "email me this result" form: consent is the box that
// asks for the result to be sent (required), contact the one that agrees
// to be contacted about it (optional).
type emailForm struct {
	ID      string  `schema:"id"`
	Email   string  `schema:"email"`
	Consent string  `schema:"consent"`
	Contact string  `schema:"contact"`
	Website *string `schema:"website"`
}

func (f *emailForm) honeypot() *string { return f.Website }

// handleQuizEmail attaches an address, given with consent, to a result,
// emails the result to it and alerts the consultant: decode, validate,
// commit.
func (s *server) handleQuizEmail(w http.ResponseWriter, r *http.Request) {
	var f emailForm
	if !s.decodeHuman(w, r, &f) {
		return
	}
	rec, res, err := s.loadResult(r.Context(), f.ID)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	view := s.resultView(rec.ID, res)
	view.EmailValue, view.ConsentGiven, view.ContactGiven = f.Email, f.Consent == "yes", f.Contact == "yes"
	if !s.validateQuizEmail(w, r, &view) {
		return
	}
	// An agreement given earlier for this address stands (the store keeps
	// it), so the alert says so even when this request did not tick it.
	agreed := view.ContactGiven || rec.ContactConsentAt != nil && strings.EqualFold(rec.Email, view.EmailValue)
	s.commitQuizEmail(w, r, view, agreed)
}

// validateQuizEmail checks the address and the consent. It answers with
// the problems (the result page, or JSON naming the fields), and then it
// returns false.
func (s *server) validateQuizEmail(w http.ResponseWriter, r *http.Request, view *ResultView) bool {
	fields := map[string]string{}
	if view.EmailError = emailProblem(view.EmailValue); view.EmailError != "" {
		fields["email"] = view.EmailError
	}
	if !view.ConsentGiven {
		view.ConsentError = "Tick the box to have the result sent to this address."
		fields["consent"] = view.ConsentError
	}
	if len(fields) == 0 {
		return true
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "please check the form", Fields: fields})
	} else {
		s.resultPage(w, http.StatusBadRequest, *view)
	}
	return false
}

// commitQuizEmail stores the address and the consents with the result,
// queues the email of the result and the consultant's alert and makes a
// first attempt at sending them, and answers. agreed says whether the
// prospect has agreed to be contacted (now or before).
func (s *server) commitQuizEmail(w http.ResponseWriter, r *http.Request, view ResultView, agreed bool) {
	// Per address, and at most once a day per result and email: the form
	// must not become a way to mail anyone, over and over.
	ok, err := s.allow(r, "quiz-email-ip:"+s.clientKey(r), time.Hour, quizEmailPerAddressPerHour)
	if err == nil && !ok {
		s.quizEmailRefused(w, r, view, http.StatusTooManyRequests, "Too many emails were requested from your network in the last hour. Please try again later.")
		return
	}
	if err == nil {
		err = s.write(r, func(ctx context.Context) error {
			return s.Store.SetQuizEmail(ctx, view.ID, view.EmailValue, s.Now(), view.ContactGiven)
		}, nil)
	}
	if store.ErrorCode(err) == store.ECONFLICT {
		// A shared link: the result's owner already gave an address.
		s.quizEmailRefused(w, r, view, http.StatusConflict, "This result already belongs to the address its owner gave, and cannot be sent elsewhere. Take the quiz yourself to get your own result.")
		return
	}
	if err != nil {
		s.Log.Error("quiz email", "id", view.ID, "err", err)
		view.EmailError = "We could not save your address just now; please try again in a minute."
		if wantsJSON(r) {
			writeJSON(w, http.StatusServiceUnavailable, apiError{Error: view.EmailError})
			return
		}
		s.resultPage(w, http.StatusServiceUnavailable, view)
		return
	}
	s.Log.Info("quiz email saved", "id", view.ID, "contact", agreed)
	// A result goes to one address at most once a day, however often the
	// form is sent.
	queued := false
	if ok, err := s.allow(r, "quiz-email:"+view.ID+":"+s.signer.pseudonym(strings.ToLower(view.EmailValue)), 24*time.Hour, sendsPerDay); err != nil || !ok {
		if err != nil {
			s.Log.Error("quiz email limit", "id", view.ID, "err", err)
		}
	} else if err := s.write(r, func(ctx context.Context) error {
		return s.queueResultEmail(ctx, view.ID, view.EmailValue, view.Result, agreed)
	}, nil); err != nil {
		// The address and consent are saved; the consultant can resend.
		s.Log.Error("queue quiz email", "id", view.ID, "err", err)
	} else {
		queued = true
	}
	if s.leadAlert(r, view, agreed) {
		queued = true
	}
	if queued {
		s.drain(r.Context())
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		return
	}
	http.Redirect(w, r, resultPath(view.ID)+"?emailed=1", http.StatusSeeOther)
}

// quizEmailRefused answers an email for a result that may not be sent,
// on the result page (or as JSON) with the address kept.
func (s *server) quizEmailRefused(w http.ResponseWriter, r *http.Request, view ResultView, status int, msg string) {
	view.EmailError = msg
	if wantsJSON(r) {
		writeJSON(w, status, apiError{Error: msg, Fields: map[string]string{"email": msg}})
		return
	}
	s.resultPage(w, status, view)
}

// queueResultEmail puts "your readiness result" in the outbox for email.
// agreed says whether the prospect agreed to be contacted about it, which
// the email repeats, with how to change their mind.
func (s *server) queueResultEmail(ctx context.Context, id, to string, res quiz.Result, agreed bool) error {
	site := s.Theme.Site()
	resultURL, bookURL := s.absURL(resultPath(id)), s.absURL("/api/book?result="+id)
	weakest := weakestNames(res)
	consent := "You asked only for this result: we will not contact you about it."
	if agreed {
		consent = "You agreed that we may contact you about this result; reply to this email if you would rather we did not."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Your operational readiness result: %s (%d%% overall gap score).\n\n", res.Band.Headline, res.Score)
	for _, d := range res.Dimensions {
		fmt.Fprintf(&b, "  %-32s %3d%%\n", d.Name, d.Score)
	}
	fmt.Fprintf(&b, "\nWhere to start: %s.\n\nThe full result, with advice for each area: %s\n", weakest, resultURL)
	fmt.Fprintf(&b, "Talk it through in a complimentary advisory session: %s\n\n%s\n\n%s\n", bookURL, consent, site.Title)

	rows := make([]theme.EmailRow, len(res.Dimensions))
	for i, d := range res.Dimensions {
		rows[i] = theme.EmailRow{Label: d.Name, Value: fmt.Sprintf("%d%%", d.Score)}
	}
	m := mail.Message{From: s.mailFrom(), To: to, ReplyTo: s.notifyEmail(), Subject: "Your readiness result: " + res.Band.Headline, Text: b.String()}
	m.HTML = s.emailHTML(theme.Email{
		Title:     "Your readiness result: " + res.Band.Headline,
		Preheader: fmt.Sprintf("%d%% overall gap score. Where to start: %s.", res.Score, weakest),
		Paragraphs: []string{
			fmt.Sprintf("Your operational readiness result: %s, with a %d%% overall gap score (0%% means the organization is built to deliver its strategy).", res.Band.Headline, res.Score),
			"Where to start: " + weakest + ".",
		},
		Rows: rows,
		Buttons: []theme.EmailLink{
			{Label: "See the full result, with advice for each area", URL: resultURL},
			{Label: "Book a complimentary advisory session", URL: bookURL},
		},
		Footer: consent,
	})
	data, err := m.Encode()
	if err != nil {
		return err
	}
	return s.Store.QueueMessages(ctx, []store.OutboxMessage{{CreatedAt: s.Now(), Kind: "quiz-result", To: to, Payload: data, NextAttempt: s.Now()}})
}

// weakestNames lists a result's weakest areas: "Process and Technology".
func weakestNames(res quiz.Result) string {
	names := make([]string, len(res.Weakest))
	for i, d := range res.Weakest {
		names[i] = d.Name
	}
	return strings.Join(names, " and ")
}
