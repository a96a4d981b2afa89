package store

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// idEncoding is RFC 4648 base32 in lower case without padding: case-folds
// safely in URLs and e-mail clients and has no ambiguous punctuation.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// IDLen is the length of an id made by NewID.
const IDLen = 26

// NewID returns a new unguessable id: 128 random bits as 26 lower-case base32
// characters. Result pages are reached by id alone, so ids must not be
// sequential or time-based.
func NewID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return idEncoding.EncodeToString(b[:])
}

// ValidID reports whether id looks like an id from NewID. Handlers can use it
// to reject junk from URLs before asking the database.
func ValidID(id string) bool {
	if len(id) != IDLen {
		return false
	}
	return strings.Trim(id, "abcdefghijklmnopqrstuvwxyz234567") == ""
}
