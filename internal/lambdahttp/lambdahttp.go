// Package lambdahttp runs an ordinary http.Handler as a Netlify (AWS
// Lambda) function: it turns the API Gateway proxy event Netlify sends into
// an *http.Request and the handler's response back into an event.
//
// The handler sees what a net/http server would give it: the path the
// visitor asked for (/api/... through the site's rewrite, or
// /.netlify/functions/api/... directly), the query, the headers with Host
// in r.Host, the body (decoded when Netlify sent it base64) and the
// visitor's address in r.RemoteAddr. Its response keeps net/http's rules:
// headers are fixed at WriteHeader, a HEAD answer has no body.
//
// Response headers go out single-valued in Headers (repeated values joined
// with ", "); MultiValueHeaders stays empty, as Netlify has been reported to
// drop it. A handler must therefore not send two Set-Cookie headers.
package lambdahttp

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// ClientIPHeader is where Netlify puts the visitor's address.
const ClientIPHeader = "X-Nf-Client-Connection-Ip"

// Handler adapts h to the Lambda proxy interface.
func Handler(h http.Handler) func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return func(ctx context.Context, ev events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		r, err := Request(ctx, ev)
		if err != nil {
			return events.APIGatewayProxyResponse{StatusCode: http.StatusBadRequest, Body: err.Error(),
				Headers: map[string]string{"Content-Type": "text/plain; charset=utf-8",
					"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}}, nil
		}
		w := newRecorder()
		h.ServeHTTP(w, r)
		return w.event(r.Method == http.MethodHead), nil
	}
}

// Request builds the *http.Request an event describes: the original path
// (/api/... or /.netlify/functions/api/...), query, headers, the body
// (decoded when base64) and the client's address as RemoteAddr.
func Request(ctx context.Context, ev events.APIGatewayProxyRequest) (*http.Request, error) {
	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
			return nil, fmt.Errorf("lambdahttp: body is not valid base64: %w", err)
		}
	}
	path := ev.Path
	if path == "" {
		path = "/"
	}
	u := &url.URL{Path: path}
	q := url.Values{}
	for k, vs := range ev.MultiValueQueryStringParameters {
		q[k] = append([]string(nil), vs...)
	}
	for k, v := range ev.QueryStringParameters {
		if _, ok := q[k]; !ok {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	method := ev.HTTPMethod
	if method == "" {
		method = http.MethodGet
	}
	r, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("lambdahttp: %w", err)
	}
	for k, vs := range ev.MultiValueHeaders {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	for k, v := range ev.Headers {
		if r.Header.Get(k) == "" {
			r.Header.Set(k, v)
		}
	}
	// As a server request: Host lives in r.Host, not in the header map.
	r.Host = r.Header.Get("Host")
	r.Header.Del("Host")
	r.RequestURI = u.RequestURI()
	r.ContentLength = int64(len(body))
	r.RemoteAddr = net.JoinHostPort(clientIP(r.Header, ev), "0")
	return r, nil
}

// clientIP is the visitor's address: Netlify's own header (Netlify's edge
// sets it and overwrites any value the client sent), else the event's
// source IP. X-Forwarded-For is never read: its first hop is whatever the
// client wrote, and trusting it would let one visitor pose as many and
// slip every per-address limit.
func clientIP(h http.Header, ev events.APIGatewayProxyRequest) string {
	if ip := strings.TrimSpace(h.Get(ClientIPHeader)); net.ParseIP(ip) != nil {
		return ip
	}
	if ip := ev.RequestContext.Identity.SourceIP; net.ParseIP(ip) != nil {
		return ip
	}
	return "0.0.0.0"
}

// recorder collects a response in memory.
type recorder struct {
	header http.Header // what the handler sets
	sent   http.Header // header as of WriteHeader, as net/http sends it
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (w *recorder) Header() http.Header { return w.header }

// WriteHeader fixes the status and the headers: as with net/http, changes
// to the header map after it (a panic handler's Content-Type, say) are not
// sent.
func (w *recorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
		w.sent = w.header.Clone()
	}
}

func (w *recorder) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

// event turns the response into the proxy event. Headers are single
// valued (Netlify has been reported to drop MultiValueHeaders), repeated
// values joined with ", ". A body goes as text when it is text in UTF-8
// (JSON cannot carry other bytes), otherwise base64. A HEAD answer has no
// body, as net/http would send none.
func (w *recorder) event(head bool) events.APIGatewayProxyResponse {
	w.WriteHeader(http.StatusOK)
	h := w.sent
	body := w.body.Bytes()
	if head {
		body = nil
	}
	if h.Get("Content-Type") == "" && w.body.Len() > 0 {
		h.Set("Content-Type", http.DetectContentType(w.body.Bytes()))
	}
	hdr := make(map[string]string, len(h))
	for k, vs := range h {
		hdr[k] = strings.Join(vs, ", ")
	}
	res := events.APIGatewayProxyResponse{StatusCode: w.status, Headers: hdr}
	if isText(h.Get("Content-Type")) && utf8.Valid(body) {
		res.Body = string(body)
	} else {
		res.Body = base64.StdEncoding.EncodeToString(body)
		res.IsBase64Encoded = true
	}
	return res
}

func isText(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return contentType == ""
	}
	return strings.HasPrefix(mt, "text/") || mt == "application/json" || mt == "application/javascript" ||
		strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+xml") || mt == "application/xml" ||
		mt == "application/x-www-form-urlencoded"
}
