package api

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/cassidine/site/internal/booking"
)

// The forms' sentences for what package booking's rules find wrong. The
// rules themselves (limits, one line, the e-mail syntax) live there, where
// the store applies them too; only the wording is the forms'.

// emailProblem returns what is wrong with an address, as the form says it
// next to the field, or "".
func emailProblem(email string) string {
	switch err := booking.CheckEmail(email); {
	case err == nil:
		return ""
	case errors.Is(err, booking.ErrEmailEmpty):
		return "Enter your email address."
	case errors.Is(err, booking.ErrTooLong):
		return "That address is too long."
	case errors.Is(err, booking.ErrLineBreak):
		return "Enter the address on one line."
	}
	return "Enter an address like name@company.com."
}

// lineProblem returns what is wrong with a one-line field (name, company,
// role), or "".
func lineProblem(s string) string {
	switch err := booking.CheckText(s, booking.MaxText, false); {
	case err == nil:
		return ""
	case errors.Is(err, booking.ErrTooLong):
		return fmt.Sprintf("Keep this under %d characters.", booking.MaxText)
	case errors.Is(err, booking.ErrLineBreak):
		return "Enter this on one line."
	case errors.Is(err, booking.ErrInvisible):
		return "Remove the invisible formatting characters (such as text-direction marks)."
	}
	return "Remove the special characters (tabs or control codes)."
}

// messageProblem returns what is wrong with the free-text message, or "".
func messageProblem(s string) string {
	switch err := booking.CheckText(s, booking.MaxMessage, true); {
	case err == nil:
		return ""
	case errors.Is(err, booking.ErrTooLong):
		return "Keep the message under " + thousands(booking.MaxMessage) + " characters."
	}
	return "Remove the special characters (control codes) from the message."
}

// thousands writes a positive n with commas between groups of three
// digits, as the form's sentences do: 5,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
