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
// the booking id, the booking's sequence and an expiry, carried with the
// sequence and the expiry in the link. Every move or cancellation raises
// the sequence, so the links of earlier emails stop working for changes.
//
// Tokens made before sequences were signed (8 bytes of expiry and the MAC)
// still verify, as tokens for sequence 0: they work until the booking's
// first change.

var errBadToken = errors.New("the link is not valid")

// signer makes and checks tokens.
type signer struct{ key []byte }

const macLen = 18

func (s signer) mac(purpose, id string, seq uint32, exp int64, legacy bool) []byte {
	m := hmac.New(sha256.New, s.key)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(exp))
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(id))
	m.Write([]byte{0})
	m.Write(b[:])
	if !legacy {
		var q [4]byte
		binary.BigEndian.PutUint32(q[:], seq)
		m.Write([]byte{0, 's'})
		m.Write(q[:])
	}
	return m.Sum(nil)[:macLen]
}

// token returns a token for purpose on id at sequence seq, valid until exp.
func (s signer) token(purpose, id string, seq int, exp time.Time) string {
	raw := make([]byte, 12, 12+macLen)
	binary.BigEndian.PutUint64(raw, uint64(exp.Unix()))
	binary.BigEndian.PutUint32(raw[8:], uint32(seq))
	return base64.RawURLEncoding.EncodeToString(append(raw, s.mac(purpose, id, uint32(seq), exp.Unix(), false)...))
}

// check verifies a token for purpose on id at now, and returns the
// booking sequence it was made for.
func (s signer) check(purpose, id, tok string, now time.Time) (seq int, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, errBadToken
	}
	var exp int64
	switch len(raw) {
	case 8 + macLen: // before sequences were signed
		exp = int64(binary.BigEndian.Uint64(raw[:8]))
		if !hmac.Equal(raw[8:], s.mac(purpose, id, 0, exp, true)) {
			return 0, errBadToken
		}
	case 12 + macLen:
		exp = int64(binary.BigEndian.Uint64(raw[:8]))
		q := binary.BigEndian.Uint32(raw[8:12])
		if !hmac.Equal(raw[12:], s.mac(purpose, id, q, exp, false)) {
			return 0, errBadToken
		}
		seq = int(q)
	default:
		return 0, errBadToken
	}
	if now.Unix() > exp {
		return 0, errors.New("the link has expired")
	}
	return seq, nil
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
