package api

import (
	"encoding/base64"
	"encoding/binary"
	"testing"
	"time"
)

func TestToken(t *testing.T) {
	s := signer{key: []byte("secret")}
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	exp := now.Add(24 * time.Hour)
	tok := s.token("manage", "booking1", 3, exp)
	for _, tc := range []struct {
		name, purpose, id, tok string
		now                    time.Time
		ok                     bool
	}{
		{"valid", "manage", "booking1", tok, now, true},
		{"at expiry", "manage", "booking1", tok, exp, true},
		{"expired", "manage", "booking1", tok, exp.Add(time.Second), false},
		{"other booking", "manage", "booking2", tok, now, false},
		{"other purpose", "cancel", "booking1", tok, now, false},
		{"tampered", "manage", "booking1", tok[:len(tok)-2] + "AA", now, false},
		{"garbage", "manage", "booking1", "not a token", now, false},
		{"empty", "manage", "booking1", "", now, false},
	} {
		seq, err := s.check(tc.purpose, tc.id, tc.tok, tc.now)
		if (err == nil) != tc.ok || (err == nil && seq != 3) {
			t.Errorf("%s: got sequence %d, %v; want ok=%v and sequence 3", tc.name, seq, err, tc.ok)
		}
	}
	if _, other := (signer{key: []byte("other")}).check("manage", "booking1", tok, now); other == nil {
		t.Error("a token verified under another secret")
	}
	// The sequence is signed: changing it in the token breaks the MAC.
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	raw[11]++
	if _, err := s.check("manage", "booking1", base64.RawURLEncoding.EncodeToString(raw), now); err == nil {
		t.Error("a token whose sequence was changed verified")
	}
	// A token from before sequences were signed is one for sequence 0.
	var legacy [8]byte
	binary.BigEndian.PutUint64(legacy[:], uint64(exp.Unix()))
	old := base64.RawURLEncoding.EncodeToString(append(legacy[:], s.mac("manage", "booking1", 0, exp.Unix(), true)...))
	if seq, err := s.check("manage", "booking1", old, now); err != nil || seq != 0 {
		t.Errorf("a legacy token: sequence %d, %v; want 0, nil", seq, err)
	}
	if s.pseudonym("1.2.3.4") == s.pseudonym("1.2.3.5") || s.pseudonym("1.2.3.4") == "1.2.3.4" {
		t.Error("pseudonym must differ per value and never be the value")
	}
}
