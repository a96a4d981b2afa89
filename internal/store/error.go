package store

import (
	"errors"
	"fmt"
)

// Error codes. Callers branch on these, never on message text.
const (
	EINVALID     = "EINVALID"     // the caller passed something the store refuses to save
	ENOTFOUND    = "ENOTFOUND"    // no row with that id
	ECONFLICT    = "ECONFLICT"    // a unique constraint refused the write (duplicate id, taken slot)
	EUNAVAILABLE = "EUNAVAILABLE" // the database cannot be reached right now; try again later (HTTP 503)
	EINTERNAL    = "EINTERNAL"    // anything else: a bug or a broken database
)

// Error is the store's error. Code is for programs, Message is safe to show a
// visitor, and Err is the cause, for logs only: it may name hosts, paths or SQL.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Error returns code, message and cause on one line, for logs.
func (e *Error) Error() string {
	s := "store: " + e.Code + ": " + e.Message
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause, so errors.Is sees through to driver errors.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a formatted user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain: "" for nil,
// EINTERNAL for errors that did not come from the store.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of the first *Error in err's
// chain, and "internal error" for anything else: other errors may carry
// details a visitor must not see.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// defaultMessage is the user-safe message for a driver error classified as code.
func defaultMessage(code string) string {
	switch code {
	case ECONFLICT:
		return "this record already exists"
	case EUNAVAILABLE:
		return "the database is unavailable; try again shortly"
	case ENOTFOUND:
		return "not found"
	case EINVALID:
		return "invalid data"
	}
	return "internal error"
}

// ErrOutcomeUnknown marks a write whose COMMIT failed: the server may or
// may not have committed it. Callers that can tell (by reading back what
// they wrote) should, before reporting a failure.
var ErrOutcomeUnknown = errors.New("the outcome of the commit is unknown")
