package main

// Book mode (-mode book): bookings a second, sustained, against Postgres.
//
// The run gets a fresh schema in the database named by -db, else
// TEST_DATABASE_URL, else DATABASE_URL (on this machine), which the store
// migrates and the run drops at the end. The handler reads a temporary
// content folder: content/site.toml with its [booking] table widened
// (5-minute slots around the clock every day, no notice, a year ahead, no
// daily cap, no blocked dates) so one run can book thousands of distinct
// slots, and quiz.toml as it is. The free slots come from the handler's own
// GET /api/slots; request k books the kth of an even spread over them,
// with its own email and its own client address: the handler allows 10
// bookings an hour per address, so a middleware in this binary only
// (syntheticClients) sets r.RemoteAddr from X-Loadtest-Client. The limits
// are still counted in the store, as in production.
//
// After one checked booking it books open-loop at -rate for -duration
// (Accept: application/json, as the page's script sends; 201 expected) and
// prints the rate achieved, from the first due time to the last response,
// against the rate offered (target: 500/s, no errors, at least 99% of it
// achieved), the latencies, and the rows: bookings must equal the 201s
// received, and outbox rows twice that (each booking queues two emails).

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/cassidine/site/internal/runenv"
	"github.com/cassidine/site/internal/stats"
)

// clientHeader carries a request's synthetic client address.
const clientHeader = "X-Loadtest-Client"

func runBook(ctx context.Context, cfg config, getenv func(string) string, stdout io.Writer) (err error) {
	schemaURL, db, drop, err := runenv.FreshSchema(ctx, cfg.db, getenv, "loadtest")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, drop()) }()
	tmp, err := os.MkdirTemp(cmp.Or(getenv("TMPDIR"), "/tmp"), "loadtest-book-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	content := filepath.Join(tmp, "content")
	sizes, challenges, err := widenBooking(content)
	if err != nil {
		return err
	}
	h, closeStore, err := newHandler(ctx, content, schemaURL, cfg.log)
	if err != nil {
		return err
	}
	defer closeStore()
	srv := httptest.NewServer(syntheticClients(h))
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/api/slots")
	if err != nil {
		return err
	}
	var free struct {
		Slots []struct{ Start time.Time }
	}
	err = json.NewDecoder(resp.Body).Decode(&free)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /api/slots: %s, %v", resp.Status, err)
	}
	deadline, _ := ctx.Deadline()
	var slots []time.Time // those that stay bookable while the run lasts
	for _, s := range free.Slots {
		if s.Start.After(deadline) {
			slots = append(slots, s.Start)
		}
	}
	n := 1 + int(int64(cfg.rate)*int64(cfg.duration)/int64(time.Second))
	if len(slots) < n {
		return fmt.Errorf("%d free slots for %d bookings: lower -rate or -duration", len(slots), n)
	}
	fmt.Fprintf(stdout, "server: %s (the handler on Postgres in a fresh schema; Mail nil, so emails stay queued in the outbox); %d free slots, %d to book\n",
		srv.URL, len(slots), n)

	client := newClient(cfg.workers)
	book := func(k int) error {
		hdr := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"},
			clientHeader: {fmt.Sprintf("10.%d.%d.%d", (k+1)>>16&255, (k+1)>>8&255, (k+1)&255)}}
		return post(ctx, client, srv.URL+"/api/book", bookingForm(k, slots[k*len(slots)/n], sizes, challenges), hdr, 201)
	}
	if err := book(0); err != nil {
		return fmt.Errorf("check request: %w", err)
	}
	rows := func() (bookings, outbox int64, err error) {
		err = db.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM bookings), (SELECT count(*) FROM outbox)").Scan(&bookings, &outbox)
		return bookings, outbox, err
	}
	b0, o0, err := rows()
	if err != nil {
		return err
	}
	res, err := openLoop(ctx, cfg, func(i int) error { return book(i + 1) })
	if err != nil {
		return err
	}
	b1, o1, err := rows()
	if err != nil {
		return err
	}
	bookings, outbox := b1-b0, o1-o0
	achieved := float64(res.ok) / res.elapsed.Seconds()
	verdict := "NOT met"
	if cfg.rate >= 500 && res.ok == res.sent && achieved >= 0.99*float64(cfg.rate) {
		verdict = "met"
	}
	fmt.Fprintf(stdout, "book open loop: %s\n", res)
	fmt.Fprintf(stdout, "bookings: %.1f/s achieved of %d/s offered, achieved/offered %.2f; target (500/s offered, 0 errors, >= 0.99 of it achieved) %s; p99 %.2f ms; rows %d bookings for %d × 201, %d outbox rows (2 per booking)\n",
		achieved, cfg.rate, achieved/float64(cfg.rate), verdict, ms(stats.Percentile(res.lat, 99)), bookings, res.ok, outbox)
	if bookings != int64(res.ok) || outbox != 2*bookings {
		return fmt.Errorf("store check: %d bookings and %d outbox rows for %d successful responses", bookings, outbox, res.ok)
	}
	return nil
}

// widenBooking writes content/site.toml into dir with its [booking] table
// widened (its zone, challenges and company sizes kept; comments are not),
// and copies content/quiz.toml. It returns the challenges and company sizes.
func widenBooking(dir string) (sizes, challenges []string, err error) {
	src, err := os.ReadFile(filepath.Join("content", "site.toml"))
	if err != nil {
		return nil, nil, err
	}
	var doc map[string]any
	if err := toml.Unmarshal(src, &doc); err != nil {
		return nil, nil, fmt.Errorf("content/site.toml: %w", err)
	}
	bk, ok := doc["booking"].(map[string]any)
	if !ok {
		return nil, nil, errors.New("content/site.toml has no [booking] table")
	}
	bk = maps.Clone(bk)
	delete(bk, "blocked")
	maps.Copy(bk, map[string]any{"slotMinutes": 5, "bufferMinutes": 0, "minNoticeHours": 0, "horizonDays": 365, "maxPerDay": 0, "hours": map[string]any{}})
	for _, day := range []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"} {
		bk["hours"].(map[string]any)[day] = []string{"00:00-24:00"}
	}
	doc["booking"] = bk
	wide, err := toml.Marshal(doc)
	if err != nil {
		return nil, nil, err
	}
	quizTOML, err := os.ReadFile(filepath.Join("content", "quiz.toml"))
	if err != nil {
		return nil, nil, err
	}
	err = errors.Join(os.MkdirAll(dir, 0o755),
		os.WriteFile(filepath.Join(dir, "site.toml"), wide, 0o644),
		os.WriteFile(filepath.Join(dir, "quiz.toml"), quizTOML, 0o644))
	list := func(key string) (l []string) {
		vs, _ := bk[key].([]any)
		for _, v := range vs {
			l = append(l, fmt.Sprint(v))
		}
		return l
	}
	if sizes, challenges = list("companySizes"), list("challenges"); len(sizes) == 0 || len(challenges) == 0 {
		err = errors.Join(err, errors.New("content/site.toml: [booking] lists no companySizes or no challenges"))
	}
	return sizes, challenges, err
}

// bookingForm is request k's booking form, complete and valid, with every
// field the page sends: its own name and email, a company size and two
// challenges from the site's lists, consent, the slot, the visitor's zone
// and the honeypot, present and empty.
func bookingForm(k int, slot time.Time, sizes, challenges []string) string {
	return url.Values{
		"name":       {"Load Test " + strconv.Itoa(k)},
		"email":      {"loadtest-" + strconv.Itoa(k) + "@example.com"},
		"company":    {"Loadtest Co"},
		"role":       {"Operations"},
		"size":       {sizes[k%len(sizes)]},
		"challenges": {challenges[k%len(challenges)], challenges[(k+1)%len(challenges)]},
		"message":    {"Booked by cmd/loadtest, request " + strconv.Itoa(k) + "."},
		"consent":    {"yes"},
		"slot":       {slot.UTC().Format(time.RFC3339)},
		"result":     {""},
		"tz":         {"Europe/London"},
		"website":    {""},
	}.Encode()
}

// syntheticClients sets r.RemoteAddr from the X-Loadtest-Client header, so
// each request counts as its own client in the handler's per-address limit.
func syntheticClients(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ip := net.ParseIP(r.Header.Get(clientHeader)); ip != nil {
			r = r.WithContext(r.Context()) // a shallow copy
			r.RemoteAddr = net.JoinHostPort(ip.String(), "1")
		}
		h.ServeHTTP(w, r)
	})
}
