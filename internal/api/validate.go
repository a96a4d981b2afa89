package api

import (
	"regexp"
	"strings"
)

// emailRE is the OWASP validation regex for email addresses.
var emailRE = regexp.MustCompile(`^[a-zA-Z0-9_+&*-]+(?:\.[a-zA-Z0-9_+&*-]+)*@(?:[a-zA-Z0-9-]+\.)+[a-zA-Z]{2,24}$`)

// checkEmail returns what is wrong with an address, or "": OWASP's syntax,
// at most 254 characters with a local part of at most 64, no line breaks.
func checkEmail(email string) string {
	switch {
	case strings.TrimSpace(email) == "":
		return "Enter your email address."
	case len(email) > 254:
		return "That address is too long."
	case hasCRLF(email):
		return "Enter the address on one line."
	}
	local, _, _ := strings.Cut(email, "@")
	if len(local) > 64 || !emailRE.MatchString(email) {
		return "Enter an address like name@company.com."
	}
	return ""
}
