package api

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/schema"
)

// MaxBody is the largest request body the function reads.
const MaxBody = 32 << 10

// requestError is a problem with a request that the client can fix; its
// message is safe to show.
type requestError struct {
	Status  int
	Message string
}

func (e *requestError) Error() string { return e.Message }

func badRequest(format string, args ...any) *requestError {
	return &requestError{Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}

// newDecoder returns the form decoder: unknown keys are errors, and slice
// indexes are bounded so "a.99999999" cannot allocate a huge slice.
func newDecoder() *schema.Decoder {
	d := schema.NewDecoder()
	d.IgnoreUnknownKeys(false)
	d.MaxSize(64)
	return d
}

// decodeForm reads a url-encoded POST body into dst, a struct that exists
// only to hold this form (routes admits only POST). It enforces the
// content type (415), the body size (413), valid UTF-8, each key at most
// once unless listed in multi, and no unknown keys (400). On any error
// dst is left zeroed, so nothing half-decoded is used.
func decodeForm(d *schema.Decoder, r *http.Request, dst any, multi ...string) *requestError {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "application/x-www-form-urlencoded" {
		return &requestError{http.StatusUnsupportedMediaType, "send the form as application/x-www-form-urlencoded"}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return badRequest("could not read the request")
	}
	if len(body) > MaxBody {
		return &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("the form is larger than %d KB", MaxBody>>10)}
	}
	values, err := url.ParseQuery(string(body))
	if err != nil {
		return badRequest("the form is not valid url-encoded data")
	}
	for k, vs := range values {
		if !utf8.ValidString(k) {
			return badRequest("a field name is not valid UTF-8")
		}
		if !canonicalKey(k) {
			// gorilla/schema matches names case-insensitively and reads
			// "00" or "+0" as 0 (and panics on "-1"), so two spellings of one
			// field would get past the duplicate check: only the form's
			// own spelling is accepted.
			return badRequest("unknown field %q", k)
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return badRequest("field %q is not valid UTF-8", k)
			}
		}
		if len(vs) > 1 && !slices.Contains(multi, k) {
			return badRequest("field %q was sent more than once", k)
		}
	}
	if err := d.Decode(dst, values); err != nil {
		zero(dst)
		return badRequest("%s", describe(err))
	}
	return nil
}

// humanForm is a form with a honeypot: the field "website", which people
// never see and so send empty, and bots fill in or leave out.
type humanForm interface{ honeypot() *string }

// decodeHuman reads a posted form as decodeForm does and checks its
// honeypot. It answers a form it cannot read, and a bot's with what looks
// like success (nothing is scored or stored); then it returns false.
func (s *server) decodeHuman(w http.ResponseWriter, r *http.Request, dst humanForm, multi ...string) bool {
	if e := decodeForm(s.forms, r, dst, multi...); e != nil {
		s.requestFailed(w, r, e)
		return false
	}
	if h := dst.honeypot(); h == nil || *h != "" {
		s.Log.Info("honeypot", "path", r.URL.Path, "present", h != nil)
		s.fakeSuccess(w, r)
		return false
	}
	return true
}

// canonicalKey reports whether a field name is spelled as our forms spell
// them: lower-case names, and slice indexes as plain decimals ("q.12.a").
func canonicalKey(k string) bool {
	for _, part := range strings.Split(k, ".") {
		switch {
		case part == "":
			return false
		case part[0] >= '0' && part[0] <= '9':
			if (part[0] == '0' && len(part) > 1) || strings.TrimLeft(part, "0123456789") != "" {
				return false
			}
		default:
			if part[0] < 'a' || part[0] > 'z' || strings.TrimLeft(part, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
				return false
			}
		}
	}
	return true
}

// describe turns gorilla/schema's errors into one plain sentence.
func describe(err error) string {
	var multi schema.MultiError
	if errors.As(err, &multi) {
		keys := slices.Sorted(maps.Keys(multi))
		for _, k := range keys {
			var unknown schema.UnknownKeyError
			if errors.As(multi[k], &unknown) {
				return fmt.Sprintf("unknown field %q", k)
			}
		}
		return fmt.Sprintf("field %q has a value of the wrong kind", keys[0])
	}
	return "the form could not be read"
}

func zero(dst any) {
	v := reflect.ValueOf(dst)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v.Elem().SetZero()
	}
}

// wantsJSON reports whether the client asked for JSON rather than a page.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}
