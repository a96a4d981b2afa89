package calendar_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/calendar"
)

// The secret parts of a feed's address, as Google writes them: none may
// reach an error message.
const (
	secretPath  = "/calendar/ical/dana%40example.com/private-7f3a9c15e2d84b06/basic.ics"
	secretQuery = "token=s3cr3t-9b1e"
)

var secrets = []string{"dana", "private-7f3a", "basic.ics", "s3cr3t", "private-zzz"}

func checkNoSecret(t testing.TB, err error) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q gives away %q of the address", err, s)
		}
	}
}

// serve starts a server answering every request with h.
func serve(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestFetch(t *testing.T) {
	cal := readFixture(t, "google.ics")
	calendarOK := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar; charset=UTF-8")
		w.Write(cal)
	}
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		max     int64
		timeout time.Duration
		want    string // in the error; "" for success
		is      error
	}{
		{name: "a calendar", handler: calendarOK},
		{name: "a calendar of exactly the limit", handler: calendarOK, max: int64(len(cal))},
		{name: "a calendar sent as octets", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(cal)
		}},
		{name: "not found", handler: http.NotFound, want: "the server answered 404 Not Found (the calendar's secret address may have been reset"},
		{name: "server error", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "oops "+r.URL.String(), http.StatusInternalServerError)
		}, want: "the server answered 500 Internal Server Error"},
		{name: "an HTML page", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<!doctype html><title>Sign in to Outlook</title>"))
		}, want: "the answer is not an iCalendar feed (Content-Type text/html; charset=utf-8)"},
		{name: "HTML labelled as a calendar", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/calendar")
			w.Write([]byte("<html>Calendar not found</html>"))
		}, want: "not an iCalendar feed (Content-Type text/calendar)"},
		{name: "over the limit, with Content-Length", handler: calendarOK, max: 1000,
			want: "over the 1000 bytes limit", is: calendar.ErrTooLarge},
		{name: "over the limit, streamed", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/calendar")
			for range 4 {
				w.Write(cal[:600])
				w.(http.Flusher).Flush() // no Content-Length
			}
		}, max: 2000, want: "over the 1.95 kB limit", is: calendar.ErrTooLarge},
		{name: "no answer in time", handler: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}, timeout: 50 * time.Millisecond, want: "no answer in time", is: context.DeadlineExceeded},
		{name: "a body too slow", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/calendar")
			w.Write(cal[:100])
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}, timeout: 50 * time.Millisecond, want: "the feed did not arrive in time", is: context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, tc.handler)
			ctx := t.Context()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			body, err := calendar.Fetch(ctx, nil, srv.URL+secretPath+"?"+secretQuery, tc.max)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				if !bytes.Equal(body, cal) {
					t.Errorf("got %d bytes, want the %d of the calendar", len(body), len(cal))
				}
				return
			}
			if err == nil {
				t.Fatalf("got %d bytes and no error, want an error saying %q", len(body), tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %q, want it to say %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("got %v, want errors.Is %v", err, tc.is)
			}
			if !strings.HasPrefix(err.Error(), "calendar: fetch "+srv.URL+"/…: ") {
				t.Errorf("got %q, want it to name the address as %s/…", err, srv.URL)
			}
			checkNoSecret(t, err)
		})
	}
}

// TestFetchWebcal fetches a webcal:// address over TLS, as iCloud's are.
func TestFetchWebcal(t *testing.T) {
	cal := readFixture(t, "icloud.ics")
	var scheme string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme = "http"
		if r.TLS != nil {
			scheme = "https"
		}
		w.Header().Set("Content-Type", "text/calendar")
		w.Write(cal)
	}))
	defer srv.Close()
	webcal := strings.Replace(srv.URL, "https://", "webcal://", 1) + "/published/2/private-zzz"
	body, err := calendar.Fetch(t.Context(), srv.Client(), webcal, calendar.MaxFeedBytes)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, cal) || scheme != "https" {
		t.Errorf("got %d bytes over %s, want the %d of the calendar over https", len(body), scheme, len(cal))
	}
}

// TestFetchNetworkErrors checks errors from below HTTP: the standard
// library's *url.Error repeats the whole address, also one redirected to.
func TestFetchNetworkErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	gone := closed.URL
	closed.Close()
	redirect := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, gone+"/moved/private-zzz?"+secretQuery, http.StatusFound)
	})
	for _, tc := range []struct{ name, url, want string }{
		{"connection refused", gone + secretPath + "?" + secretQuery, "calendar: fetch " + gone + "/…: "},
		{"redirected to a closed server", redirect.URL + secretPath, "calendar: fetch " + redirect.URL + "/…: "},
		{"not http", "ftp://example.com" + secretPath, "calendar: ftp://example.com/…: not an https:// or webcal:// address"},
		{"no host", "https://" + secretPath, "calendar: (an invalid calendar address): the address has no host"},
		{"unparseable", "https://exa mple.com" + secretPath, "calendar: (an invalid calendar address): not a valid URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := calendar.Fetch(t.Context(), nil, tc.url, 0)
			if err == nil {
				t.Fatal("got no error")
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got %q, want it to start %q", err, tc.want)
			}
			checkNoSecret(t, err)
		})
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://calendar.google.com/calendar/ical/dana%40example.com/private-0123456789abcdef/basic.ics", "https://calendar.google.com/…"},
		{"https://outlook.office365.com/owa/calendar/0a1b@example.com/2c3d/calendar.ics", "https://outlook.office365.com/…"},
		{"webcal://p52-caldav.icloud.com/published/2/MTIzNDU2Nzg5", "webcal://p52-caldav.icloud.com/…"},
		{"https://user:password@cal.example.com:8443/feed?key=k", "https://cal.example.com:8443/…"},
		{"HTTPS://Example.com/a", "https://Example.com/…"},
		{"https://example.com/?token=x", "https://example.com/…"},
		{"https://example.com/", "https://example.com"},
		{"https://example.com", "https://example.com"},
		{"example.com/private", "(an invalid calendar address)"},
		{"", "(an invalid calendar address)"},
		{"https://exa mple.com/private", "(an invalid calendar address)"},
	} {
		if got := calendar.Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}
