package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"
)

// Signed links let a prospect cancel or move a booking without an
// account: the token is an HMAC-SHA256, under SITE_SECRET, of the purpose,
// the booking id and an expiry, carried with the expiry in the link.

var errBadToken = errors.New("the link is not valid")

// signer makes and checks tokens.
type signer struct{ key []byte }

func (s signer) mac(purpose, id string, exp int64) []byte {
	m := hmac.New(sha256.New, s.key)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(exp))
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(id))
	m.Write([]byte{0})
	m.Write(b[:])
	return m.Sum(nil)[:18]
}

// token returns a token for purpose on id valid until exp.
func (s signer) token(purpose, id string, exp time.Time) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(exp.Unix()))
	return base64.RawURLEncoding.EncodeToString(append(b[:], s.mac(purpose, id, exp.Unix())...))
}

// check verifies a token for purpose on id at now.
func (s signer) check(purpose, id, tok string, now time.Time) error {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) != 8+18 {
		return errBadToken
	}
	exp := int64(binary.BigEndian.Uint64(raw[:8]))
	if !hmac.Equal(raw[8:], s.mac(purpose, id, exp)) {
		return errBadToken
	}
	if now.Unix() > exp {
		return errors.New("the link has expired")
	}
	return nil
}

// pseudonym is a keyed hash, under the secret, of what identifies a
// visitor (the client's IP address, a booking's e-mail address): rate
// limits count by it and a booking keeps it, and the value itself is
// never stored. The "ip" label predates its use for addresses; it stays,
// so counters and stored hashes keep their values.
func (s signer) pseudonym(v string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("ip\x00" + v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}
