package lambdahttp

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// eventCase is one testdata/*.json file: an event as Netlify sends it,
// what the handler must see, what it answers, and the event that answer
// must become.
type eventCase struct {
	Comment  string                         `json:"comment"`
	Event    events.APIGatewayProxyRequest  `json:"event"`
	Request  *wantRequest                   `json:"request"` // nil: the handler must not be called
	Reply    reply                          `json:"reply"`
	Response events.APIGatewayProxyResponse `json:"response"`
}

// wantRequest is the *http.Request the handler must get. Headers lists
// the ones checked (others may be present); NoHeaders must be absent.
type wantRequest struct {
	Method        string              `json:"method"`
	RequestURI    string              `json:"requestURI"`
	Path          string              `json:"path"`
	Query         map[string][]string `json:"query"`
	Host          string              `json:"host"`
	RemoteAddr    string              `json:"remoteAddr"`
	Headers       map[string][]string `json:"headers"`
	NoHeaders     []string            `json:"noHeaders"`
	Body          string              `json:"body"`
	ContentLength int64               `json:"contentLength"`
}

// reply is what the test handler writes: headers, then the status (none:
// the first Write implies 200), then the body; lateHeaders are set after
// WriteHeader and must not be sent.
type reply struct {
	Status      int                 `json:"status"`
	Headers     map[string][]string `json:"headers"`
	LateHeaders map[string][]string `json:"lateHeaders"`
	Body        string              `json:"body"`
	BodyBase64  string              `json:"bodyBase64"`
}

// seen is what the handler received.
type seen struct {
	r    *http.Request
	body []byte
}

func (rp reply) handler(t *testing.T, got *seen) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the request body: %v", err)
		}
		*got = seen{r: r, body: body}
		for k, vs := range rp.Headers {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		if rp.Status != 0 {
			w.WriteHeader(rp.Status)
		}
		for k, vs := range rp.LateHeaders {
			w.Header()[k] = vs
		}
		out := []byte(rp.Body)
		if rp.BodyBase64 != "" {
			if out, err = base64.StdEncoding.DecodeString(rp.BodyBase64); err != nil {
				t.Fatalf("reply.bodyBase64: %v", err)
			}
		}
		if len(out) > 0 {
			w.Write(out)
		}
	})
}

func loadCases(t *testing.T) map[string]eventCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.json cases (%v)", err)
	}
	cases := map[string]eventCase{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c eventCase
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		cases[strings.TrimSuffix(filepath.Base(f), ".json")] = c
	}
	return cases
}

// TestNetlifyEvents runs every testdata case through Handler: the request
// the handler sees and the response event, field by field.
func TestNetlifyEvents(t *testing.T) {
	for name, c := range loadCases(t) {
		t.Run(name, func(t *testing.T) {
			var got seen
			res, err := Handler(c.Reply.handler(t, &got))(t.Context(), c.Event)
			if err != nil {
				t.Fatalf("Handler returned error %v; want nil (errors become a 502 on Netlify)", err)
			}
			if c.Request == nil {
				if got.r != nil {
					t.Errorf("the handler was called with %s %s; want no call", got.r.Method, got.r.URL)
				}
			} else if got.r == nil {
				t.Fatal("the handler was not called")
			} else {
				checkRequest(t, got, c.Request)
			}
			checkResponse(t, res, c.Response)
		})
	}
}

func checkRequest(t *testing.T, got seen, want *wantRequest) {
	t.Helper()
	r := got.r
	for _, f := range []struct{ field, got, want string }{
		{"Method", r.Method, want.Method},
		{"RequestURI", r.RequestURI, want.RequestURI},
		{"URL.Path", r.URL.Path, want.Path},
		{"URL.String()", r.URL.String(), want.RequestURI},
		{"Host", r.Host, want.Host},
		{"RemoteAddr", r.RemoteAddr, want.RemoteAddr},
		{"body", string(got.body), want.Body},
	} {
		if f.got != f.want {
			t.Errorf("request %s = %q, want %q", f.field, f.got, f.want)
		}
	}
	if q := map[string][]string(r.URL.Query()); !reflect.DeepEqual(q, want.Query) && !(len(q) == 0 && len(want.Query) == 0) {
		t.Errorf("request query = %v, want %v", q, want.Query)
	}
	for k, vs := range want.Headers {
		if got := r.Header.Values(k); !slices.Equal(got, vs) {
			t.Errorf("request header %s = %q, want %q", k, got, vs)
		}
	}
	for _, k := range want.NoHeaders {
		if v, ok := r.Header[http.CanonicalHeaderKey(k)]; ok {
			t.Errorf("request header %s = %q, want it absent", k, v)
		}
	}
	if r.ContentLength != want.ContentLength {
		t.Errorf("request ContentLength = %d, want %d", r.ContentLength, want.ContentLength)
	}
	if r.Context() == nil || r.Context().Done() == nil {
		t.Error("request context is not the invocation's (cancellable) context")
	}
}

func checkResponse(t *testing.T, got, want events.APIGatewayProxyResponse) {
	t.Helper()
	if got.StatusCode != want.StatusCode {
		t.Errorf("response statusCode = %d, want %d", got.StatusCode, want.StatusCode)
	}
	for k, v := range want.Headers {
		if g, ok := got.Headers[k]; !ok {
			t.Errorf("response header %s missing, want %q", k, v)
		} else if g != v {
			t.Errorf("response header %s = %q, want %q", k, g, v)
		}
	}
	for k, v := range got.Headers {
		if _, ok := want.Headers[k]; !ok {
			t.Errorf("response header %s = %q, want it absent", k, v)
		}
	}
	if len(got.MultiValueHeaders) != 0 {
		t.Errorf("response multiValueHeaders = %v, want none (single-valued headers only)", got.MultiValueHeaders)
	}
	if got.Body != want.Body {
		t.Errorf("response body = %q, want %q", got.Body, want.Body)
	}
	if got.IsBase64Encoded != want.IsBase64Encoded {
		t.Errorf("response isBase64Encoded = %v, want %v", got.IsBase64Encoded, want.IsBase64Encoded)
	}

	// What goes over the wire: the JSON the runtime sends back.
	data, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var wire map[string]any
	json.Unmarshal(data, &wire)
	if v, ok := wire["multiValueHeaders"]; ok && v != nil {
		t.Errorf("response JSON multiValueHeaders = %v, want null", v)
	}
}

// TestEventJSON checks that the testdata events decode the way Netlify's
// JSON does: unknown fields (rawUrl, rawQuery) are ignored by the runtime,
// and every case has a method and a path.
func TestEventJSON(t *testing.T) {
	for name, c := range loadCases(t) {
		if c.Event.HTTPMethod == "" || c.Event.Path == "" {
			t.Errorf("%s: event has no httpMethod or path", name)
		}
		if c.Comment == "" {
			t.Errorf("%s: say what the case is about in comment", name)
		}
	}
}

func TestClientIP(t *testing.T) {
	for _, tc := range []struct {
		name    string
		headers map[string]string
		source  string
		want    string
	}{
		{"Netlify's header wins", map[string]string{"x-nf-client-connection-ip": "203.0.113.7", "x-forwarded-for": "198.51.100.1"}, "192.0.2.1", "203.0.113.7:0"},
		{"IPv6", map[string]string{"x-nf-client-connection-ip": " 2001:db8::1 "}, "", "[2001:db8::1]:0"},
		{"garbage in Netlify's header: never X-Forwarded-For, which the client controls", map[string]string{"x-nf-client-connection-ip": "unknown", "x-forwarded-for": "198.51.100.1, 100.64.0.1"}, "192.0.2.1", "192.0.2.1:0"},
		{"no Netlify header: never X-Forwarded-For", map[string]string{"x-forwarded-for": "198.51.100.1"}, "", "0.0.0.0:0"},
		{"no headers: the event's source IP", nil, "192.0.2.1", "192.0.2.1:0"},
		{"nothing at all", nil, "", "0.0.0.0:0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/api/slots", Headers: tc.headers}
			ev.RequestContext.Identity.SourceIP = tc.source
			r, err := Request(t.Context(), ev)
			if err != nil {
				t.Fatal(err)
			}
			if r.RemoteAddr != tc.want {
				t.Errorf("RemoteAddr = %q, want %q", r.RemoteAddr, tc.want)
			}
		})
	}
}

// TestEmptyEvent: an event with no method or path (a test invoke from a
// console) is a GET of /.
func TestEmptyEvent(t *testing.T) {
	r, err := Request(t.Context(), events.APIGatewayProxyRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != http.MethodGet || r.URL.Path != "/" || r.RequestURI != "/" {
		t.Errorf("got %s %s (RequestURI %q), want GET / (RequestURI \"/\")", r.Method, r.URL.Path, r.RequestURI)
	}
}

// TestSingleValueQueryOnly: events with only queryStringParameters (as
// some callers send) still give the handler the query.
func TestSingleValueQueryOnly(t *testing.T) {
	ev := events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/api/book", QueryStringParameters: map[string]string{"result": "abc", "slot": "2026-06-02T14:00:00Z"}}
	r, err := Request(t.Context(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.URL.Query().Get("slot"); got != "2026-06-02T14:00:00Z" {
		t.Errorf("slot = %q, want 2026-06-02T14:00:00Z", got)
	}
	if got := r.URL.Query().Get("result"); got != "abc" {
		t.Errorf("result = %q, want abc", got)
	}
}
