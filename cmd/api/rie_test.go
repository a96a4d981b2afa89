package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cassidine/site/internal/lambdahttp/lambdatest"
	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/store"
	"github.com/cassidine/site/internal/store/storetest"
)

// emulator returns aws-lambda-rie's path, or skips the test saying how to
// install it; in CI (CI=true) a missing emulator fails instead, so CI
// never passes by testing nothing.
func emulator(t *testing.T) string {
	t.Helper()
	rie, err := lambdatest.FindEmulator()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %v", err)
		}
		t.Skip(err)
	}
	return rie
}

// TestCIInstallsEmulator: .ci/run installs the emulator version these
// tests are written for.
func TestCIInstallsEmulator(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), lambdatest.InstallEmulator+"\n") {
		t.Errorf(".ci/run does not run %q", lambdatest.InstallEmulator)
	}
}

// TestUnderLambdaRuntime runs the function binary that Netlify deploys
// under the Lambda Runtime Interface Emulator, against a fresh Postgres
// schema, and sends it a quiz and a booking in Netlify's event shape. It
// checks each response field by field and the rows the function stored.
func TestUnderLambdaRuntime(t *testing.T) {
	rie := emulator(t)
	dbURL := storetest.PostgresURL(t) // skips without TEST_DATABASE_URL (fails in CI)
	b := build(t)

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	const siteURL = "https://cassidine.example"
	env := lambdatest.MinimalEnv(
		"AWS_LAMBDA_FUNCTION_NAME=api",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=30",
		"DATABASE_URL="+dbURL,
		"SITE_SECRET="+strings.Repeat("0123456789abcdef", 4),
		"URL="+siteURL,
	)
	emu, err := lambdatest.Start(ctx, rie, b.bin, t.TempDir(), env)
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Stop()
	defer func() {
		if t.Failed() {
			t.Logf("the emulator's and the function's log:\n%s", emu.Log())
		}
	}()
	invoke := func(what string, ev events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, map[string]any) {
		t.Helper()
		res, raw, err := emu.Invoke(ctx, ev)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		var wire map[string]any
		if err := json.Unmarshal(raw, &wire); err != nil {
			t.Fatalf("%s: the answer is not JSON: %v", what, err)
		}
		if v := wire["multiValueHeaders"]; v != nil {
			t.Errorf("%s: multiValueHeaders = %v, want null (single-valued headers)", what, v)
		}
		wantSecurityHeaders(t, what, res.Headers)
		return res, wire
	}

	// 1. Free times, as the booking page asks for them.
	res, _ := invoke("GET /api/slots", loadEvent(t, "slots.json"))
	if res.StatusCode != http.StatusOK || res.Headers["Content-Type"] != "application/json; charset=utf-8" || res.IsBase64Encoded {
		t.Fatalf("GET /api/slots: status %d, Content-Type %q, base64 %v; want 200, application/json; charset=utf-8, text\n%s", res.StatusCode, res.Headers["Content-Type"], res.IsBase64Encoded, res.Body)
	}
	var slots struct {
		TimeZone string `json:"timeZone"`
		Slots    []struct {
			Start time.Time `json:"start"`
			End   time.Time `json:"end"`
		} `json:"slots"`
	}
	if err := json.Unmarshal([]byte(res.Body), &slots); err != nil {
		t.Fatalf("GET /api/slots body: %v\n%s", err, res.Body)
	}
	if slots.TimeZone != "America/Chicago" || len(slots.Slots) == 0 {
		t.Fatalf("GET /api/slots: time zone %q and %d slots; want America/Chicago (content/site.toml) and some free slots", slots.TimeZone, len(slots.Slots))
	}

	// 2. The quiz, posted without JavaScript through /api/quiz.
	src, err := os.ReadFile(filepath.Join(b.root, "content", quiz.File))
	if err != nil {
		t.Fatal(err)
	}
	q, err := quiz.Parse(quiz.File, src)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"v": {quiz.Version(src)}, "website": {""}}
	answers := map[string]string{}
	for i, qu := range q.Questions {
		v := strconv.Itoa(i % quiz.ScaleSize)
		form.Set(quiz.FieldName(i), v)
		answers[qu.ID] = v
	}
	valid, problems := q.Validate(answers)
	if len(problems) > 0 {
		t.Fatalf("the test's answers are invalid: %v", problems)
	}
	want := q.Score(valid)
	ev := loadEvent(t, "quiz.json")
	ev.Body = form.Encode()
	setHeader(&ev, "content-length", strconv.Itoa(len(ev.Body)))
	res, _ = invoke("POST /api/quiz", ev)
	loc := res.Headers["Location"]
	m := regexp.MustCompile(`^/quiz/result/([0-9a-z]+)/$`).FindStringSubmatch(loc)
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("POST /api/quiz: status %d, Location %q; want 303 to /quiz/result/{id}/\n%s", res.StatusCode, loc, res.Body)
	}
	if res.Body != "" || res.IsBase64Encoded {
		t.Errorf("POST /api/quiz: body %q (base64 %v); want none after a 303", res.Body, res.IsBase64Encoded)
	}
	resultID := m[1]

	// 3. The result permalink, through the /quiz/result/* rewrite.
	ev = loadEvent(t, "result.json")
	ev.Path = "/quiz/result/" + resultID + "/"
	res, _ = invoke("GET "+ev.Path, ev)
	if res.StatusCode != http.StatusOK || res.Headers["Content-Type"] != "text/html; charset=utf-8" || !strings.Contains(html.UnescapeString(res.Body), want.Band.Headline) {
		t.Errorf("GET %s: status %d, Content-Type %q; want 200, HTML with the band's headline %q", ev.Path, res.StatusCode, res.Headers["Content-Type"], want.Band.Headline)
	}
	if !strings.Contains(res.Body, siteURL+"/quiz/result/"+resultID) {
		t.Errorf("GET %s: the page does not link to its permalink at URL (%s)", ev.Path, siteURL)
	}

	// 4. A booking, sent by the page's script to the function's own path,
	// base64-encoded by Netlify.
	slot := slots.Slots[0]
	book := url.Values{
		"name": {"Renée O’Brien"}, "email": {"renee@example.com"}, "company": {"Brien & Daughters"},
		"role": {"CEO"}, "message": {"We doubled in a year."}, "consent": {"yes"},
		"slot": {slot.Start.UTC().Format(time.RFC3339)}, "result": {resultID}, "tz": {"Europe/Dublin"}, "website": {""},
	}
	ev = loadEvent(t, "book.json")
	ev.Body = base64.StdEncoding.EncodeToString([]byte(book.Encode()))
	setHeader(&ev, "content-length", strconv.Itoa(len(book.Encode())))
	res, _ = invoke("POST /.netlify/functions/api/book", ev)
	if res.StatusCode != http.StatusCreated || res.Headers["Content-Type"] != "application/json; charset=utf-8" || res.IsBase64Encoded {
		t.Fatalf("POST /.netlify/functions/api/book: status %d, Content-Type %q; want 201 JSON\n%s", res.StatusCode, res.Headers["Content-Type"], res.Body)
	}
	var booked struct {
		ID    string    `json:"id"`
		Start time.Time `json:"start"`
		End   time.Time `json:"end"`
		URL   string    `json:"url"`
	}
	if err := json.Unmarshal([]byte(res.Body), &booked); err != nil {
		t.Fatalf("booking answer %q: %v", res.Body, err)
	}
	if !store.ValidID(booked.ID) || !booked.Start.Equal(slot.Start) || !booked.End.Equal(slot.End) || !strings.HasPrefix(booked.URL, "/api/book/done?b="+booked.ID+"&t=") {
		t.Errorf("booking answer %+v: want a valid id, the slot %v–%v and a signed /api/book/done link", booked, slot.Start, slot.End)
	}

	// 5. What the function stored, read with the same URL.
	st, err := store.OpenPostgres(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	qr, err := st.QuizResult(ctx, resultID)
	if err != nil {
		t.Fatalf("stored quiz result %s: %v", resultID, err)
	}
	if qr.Band != want.Band.ID || qr.Overall != want.Score || len(qr.Answers) != len(q.Questions) {
		t.Errorf("stored quiz result: band %q, score %d, %d answers; want %q, %d, %d", qr.Band, qr.Overall, len(qr.Answers), want.Band.ID, want.Score, len(q.Questions))
	}
	for id, v := range valid {
		if qr.Answers[id] != v {
			t.Errorf("stored answer %s = %d, want %d", id, qr.Answers[id], v)
		}
	}
	bk, err := st.Booking(ctx, booked.ID)
	if err != nil {
		t.Fatalf("stored booking %s: %v", booked.ID, err)
	}
	if bk.Name != "Renée O’Brien" || bk.Email != "renee@example.com" || bk.Company != "Brien & Daughters" || bk.Role != "CEO" ||
		!bk.Start.Equal(slot.Start) || bk.QuizResult != resultID || bk.CancelledAt != nil {
		t.Errorf("stored booking %+v: want the form's values, the slot and the quiz result", bk)
	}
	if bk.IPHash == "" || strings.Contains(bk.IPHash, "203.0.113.42") {
		t.Errorf("stored booking IPHash = %q; want a hash of the client address from X-Nf-Client-Connection-Ip", bk.IPHash)
	}
	msgs, err := st.Outbox(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, msg := range msgs {
		if msg.Booking == booked.ID {
			kinds = append(kinds, msg.Kind)
		}
	}
	slices.Sort(kinds)
	if len(kinds) != 2 {
		t.Errorf("queued emails for the booking: %v; want two (to the prospect and to the consultant), kept in the outbox as SMTP_URL is unset", kinds)
	}
	if d, ok := emu.InitDuration(); ok {
		t.Logf("the function's init phase (the emulator's INIT REPORT): %v", d)
	}
}

// setHeader sets a header in both of the event's header maps, lower-case
// as Netlify sends them.
func setHeader(ev *events.APIGatewayProxyRequest, k, v string) {
	ev.Headers[k] = v
	ev.MultiValueHeaders[k] = []string{v}
}
