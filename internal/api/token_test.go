package api

import (
	"testing"
	"time"
)

func TestToken(t *testing.T) {
	s := signer{key: []byte("secret")}
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	exp := now.Add(24 * time.Hour)
	tok := s.token("manage", "booking1", exp)
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
		err := s.check(tc.purpose, tc.id, tc.tok, tc.now)
		if (err == nil) != tc.ok {
			t.Errorf("%s: got %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
	if other := (signer{key: []byte("other")}).check("manage", "booking1", tok, now); other == nil {
		t.Error("a token verified under another secret")
	}
	if s.pseudonym("1.2.3.4") == s.pseudonym("1.2.3.5") || s.pseudonym("1.2.3.4") == "1.2.3.4" {
		t.Error("pseudonym must differ per value and never be the value")
	}
}
