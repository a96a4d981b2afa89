package storetest

import (
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/cassidine/site/internal/store"
)

// t0 is a fixed instant with sub-microsecond digits, to check that times
// come back normalised the same way from every backend.
var t0 = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.FixedZone("CET", 3600))

func newResult(created time.Time) *store.QuizResult {
	return &store.QuizResult{
		ID:         store.NewID(),
		CreatedAt:  created,
		Answers:    map[string]int{"ops-cadence": 3, "hiring": 0, "metrics": 4},
		Overall:    58,
		Band:       "scaling",
		Dimensions: map[string]int{"operations": 70, "people": 25},
	}
}

func testQuizRoundTrip(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	consent := t0.Add(time.Minute)
	for _, want := range []*store.QuizResult{
		newResult(t0),
		func() *store.QuizResult {
			r := newResult(t0)
			r.Email, r.ConsentAt = "ceo@example.com", &consent
			return r
		}(),
		func() *store.QuizResult {
			r := newResult(t0)
			r.Answers, r.Dimensions = nil, map[string]int{}
			return r
		}(),
	} {
		if err := s.SaveQuizResult(t.Context(), want); err != nil {
			t.Fatalf("SaveQuizResult: %v", err)
		}
		if wantAt := t0.UTC().Truncate(time.Microsecond); want.CreatedAt != wantAt {
			t.Errorf("SaveQuizResult left CreatedAt = %v, want %v (UTC, microseconds)", want.CreatedAt, wantAt)
		}
		got, err := s.QuizResult(t.Context(), want.ID)
		if err != nil {
			t.Fatalf("QuizResult(%s): %v", want.ID, err)
		}
		if diff := diffResult(got, want); diff != "" {
			t.Errorf("QuizResult(%s): %s", want.ID, diff)
		}
	}

	// Defaults: an empty id and zero time are filled in.
	r := newResult(time.Time{})
	r.ID = ""
	before := time.Now().Add(-time.Second)
	if err := s.SaveQuizResult(t.Context(), r); err != nil {
		t.Fatalf("SaveQuizResult with defaults: %v", err)
	}
	if !store.ValidID(r.ID) {
		t.Errorf("SaveQuizResult set ID %q, want a NewID id", r.ID)
	}
	if r.CreatedAt.Before(before) || r.CreatedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("SaveQuizResult set CreatedAt %v, want about now", r.CreatedAt)
	}
}

func testQuizNotFound(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	if err := s.SaveQuizResult(t.Context(), newResult(t0)); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{store.NewID(), "", "not-an-id", "' OR 1=1 --"} {
		r, err := s.QuizResult(t.Context(), id)
		if code := store.ErrorCode(err); code != store.ENOTFOUND {
			t.Errorf("QuizResult(%q) = %v, %v; want code %s, got %q", id, r, err, store.ENOTFOUND, code)
		}
		err = s.SetQuizEmail(t.Context(), id, "a@example.com", t0, true)
		if code := store.ErrorCode(err); code != store.ENOTFOUND {
			t.Errorf("SetQuizEmail(%q): got code %q (%v), want %s", id, code, err, store.ENOTFOUND)
		}
	}
}

func testQuizConsentEmail(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	r := newResult(t0)
	if err := s.SaveQuizResult(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	got, err := s.QuizResult(t.Context(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Email != "" || got.ConsentAt != nil {
		t.Fatalf("anonymous result: got Email %q ConsentAt %v, want none", got.Email, got.ConsentAt)
	}

	for _, step := range []struct {
		email string
		at    time.Time
	}{
		{"ceo@example.com", t0.Add(2 * time.Minute)},
		{"CEO@example.com", t0.Add(5 * time.Minute)}, // the same address again renews the consent
	} {
		if err := s.SetQuizEmail(t.Context(), r.ID, step.email, step.at, false); err != nil {
			t.Fatalf("SetQuizEmail(%q): %v", step.email, err)
		}
		got, err := s.QuizResult(t.Context(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantAt := step.at.UTC().Truncate(time.Microsecond)
		if got.Email != step.email || got.ConsentAt == nil || !got.ConsentAt.Equal(wantAt) || got.ConsentAt.Location() != time.UTC || got.ContactConsentAt != nil {
			t.Errorf("after SetQuizEmail(%q, %v): got Email %q ConsentAt %v ContactConsentAt %v, want %q and %v UTC, no consent to contact",
				step.email, step.at, got.Email, got.ConsentAt, got.ContactConsentAt, step.email, wantAt)
		}
		if diff := diffResult(got, &store.QuizResult{
			ID: r.ID, CreatedAt: r.CreatedAt, Answers: r.Answers, Overall: r.Overall, Band: r.Band,
			Dimensions: r.Dimensions, Email: got.Email, ConsentAt: got.ConsentAt,
		}); diff != "" {
			t.Errorf("SetQuizEmail changed other fields: %s", diff)
		}
	}
	// Another address, as anyone holding the result's link could send,
	// does not replace the owner's.
	err = s.SetQuizEmail(t.Context(), r.ID, "attacker@example.net", t0.Add(10*time.Minute), true)
	if code := store.ErrorCode(err); code != store.ECONFLICT {
		t.Errorf("SetQuizEmail with another address: got code %q (%v), want %s", code, err, store.ECONFLICT)
	}
	if got, _ := s.QuizResult(t.Context(), r.ID); got == nil || got.Email != "CEO@example.com" || got.ContactConsentAt != nil {
		t.Errorf("after another address was refused: the result is %+v, want CEO@example.com and no consent to contact", got)
	}

	for _, tc := range []struct {
		name  string
		email string
		at    time.Time
	}{
		{"empty", "", t0},
		{"no at sign", "ceo.example.com", t0},
		{"header injection", "a@example.com\r\nBcc: x@example.com", t0},
		{"zero time", "a@example.com", time.Time{}},
	} {
		err := s.SetQuizEmail(t.Context(), r.ID, tc.email, tc.at, true)
		if code := store.ErrorCode(err); code != store.EINVALID {
			t.Errorf("SetQuizEmail %s: got code %q (%v), want %s", tc.name, code, err, store.EINVALID)
		}
	}
}

// testQuizContactConsent: agreeing to be contacted is a second, optional
// consent, kept apart from asking for the result. It is recorded when
// given, renewed when given again, left as it was by a later request
// without it, and never taken from another address.
func testQuizContactConsent(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	r := newResult(t0)
	if err := s.SaveQuizResult(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	for _, step := range []struct {
		name        string
		email       string
		at          time.Time
		contact     bool
		wantConsent time.Time
		wantContact time.Time // zero: none
	}{
		{"result only", "ceo@example.com", at(1), false, at(1), time.Time{}},
		{"then agrees to be contacted", "ceo@example.com", at(2), true, at(2), at(2)},
		{"asks again without", "CEO@example.com", at(3), false, at(3), at(2)},
		{"agrees again", "ceo@example.com", at(4), true, at(4), at(4)},
	} {
		if err := s.SetQuizEmail(t.Context(), r.ID, step.email, step.at, step.contact); err != nil {
			t.Fatalf("%s: SetQuizEmail: %v", step.name, err)
		}
		got, err := s.QuizResult(t.Context(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := *r
		want.Email, want.ConsentAt = step.email, ptr(step.wantConsent.UTC().Truncate(time.Microsecond))
		if !step.wantContact.IsZero() {
			want.ContactConsentAt = ptr(step.wantContact.UTC().Truncate(time.Microsecond))
		}
		if diff := diffResult(got, &want); diff != "" {
			t.Errorf("%s: %s", step.name, diff)
		}
	}
	// Another address cannot agree on the owner's behalf.
	other := newResult(t0)
	if err := s.SaveQuizResult(t.Context(), other); err != nil {
		t.Fatal(err)
	}
	if err := s.SetQuizEmail(t.Context(), other.ID, "owner@example.com", at(1), false); err != nil {
		t.Fatal(err)
	}
	if err := s.SetQuizEmail(t.Context(), other.ID, "someone@example.net", at(2), true); store.ErrorCode(err) != store.ECONFLICT {
		t.Errorf("another address agreeing: got %v, want %s", err, store.ECONFLICT)
	}
	if got, err := s.QuizResult(t.Context(), other.ID); err != nil || got.ContactConsentAt != nil {
		t.Errorf("after another address was refused: got %+v, %v; want no consent to contact", got, err)
	}

	// Saved with both consents, the result reads back with both; consent
	// to contact without an address is refused.
	both := newResult(t0)
	both.Email, both.ConsentAt, both.ContactConsentAt = "coo@example.com", ptr(at(5)), ptr(at(5))
	if err := s.SaveQuizResult(t.Context(), both); err != nil {
		t.Fatalf("SaveQuizResult with both consents: %v", err)
	}
	if got, err := s.QuizResult(t.Context(), both.ID); err != nil {
		t.Fatal(err)
	} else if diff := diffResult(got, both); diff != "" {
		t.Error(diff)
	}
	bad := newResult(t0)
	bad.ContactConsentAt = ptr(at(5))
	if err := s.SaveQuizResult(t.Context(), bad); store.ErrorCode(err) != store.EINVALID {
		t.Errorf("consent to contact without an address: got %v, want %s", err, store.EINVALID)
	}
}

func ptr[T any](v T) *T { return &v }

func testQuizOrdering(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	// Saved out of order; two share a timestamp (ties break by id, descending).
	offsets := []time.Duration{3 * time.Hour, -time.Hour, 0, time.Hour, 2 * time.Hour, time.Hour, time.Microsecond}
	var saved []*store.QuizResult
	for _, d := range offsets {
		r := newResult(t0.Add(d))
		if err := s.SaveQuizResult(t.Context(), r); err != nil {
			t.Fatal(err)
		}
		saved = append(saved, r)
	}
	for _, tc := range []struct {
		name  string
		since time.Time
		want  int // how many results are at or after since
	}{
		{"all", time.Time{}, len(offsets)},
		{"inclusive", t0, len(offsets) - 1},
		{"after", t0.Add(time.Microsecond), len(offsets) - 2},
		{"future", t0.Add(4 * time.Hour), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.QuizResults(t.Context(), tc.since)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want {
				t.Fatalf("QuizResults(%v): got %d results, want %d", tc.since, len(got), tc.want)
			}
			for i := 1; i < len(got); i++ {
				a, b := got[i-1], got[i]
				if a.CreatedAt.Before(b.CreatedAt) || (a.CreatedAt.Equal(b.CreatedAt) && a.ID < b.ID) {
					t.Errorf("QuizResults: result %d (%v %s) before result %d (%v %s), want newest first",
						i-1, a.CreatedAt, a.ID, i, b.CreatedAt, b.ID)
				}
			}
			for _, g := range got {
				for _, w := range saved {
					if g.ID == w.ID {
						if diff := diffResult(&g, w); diff != "" {
							t.Errorf("QuizResults: %s", diff)
						}
					}
				}
			}
		})
	}
}

func testQuizDuplicateID(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	r := newResult(t0)
	if err := s.SaveQuizResult(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	dup := newResult(t0.Add(time.Hour))
	dup.ID = r.ID
	dup.Overall = 1
	err := s.SaveQuizResult(t.Context(), dup)
	if code := store.ErrorCode(err); code != store.ECONFLICT {
		t.Fatalf("SaveQuizResult with a used id: got code %q (%v), want %s", code, err, store.ECONFLICT)
	}
	if msg := store.ErrorMessage(err); msg == "" || msg == "internal error" {
		t.Errorf("ECONFLICT message = %q, want a user-safe explanation", msg)
	}
	got, err := s.QuizResult(t.Context(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := diffResult(got, r); diff != "" {
		t.Errorf("after the refused duplicate: %s", diff)
	}
}

func testQuizInvalid(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	consent := t0
	for _, tc := range []struct {
		name   string
		change func(r *store.QuizResult)
	}{
		{"guessable id", func(r *store.QuizResult) { r.ID = "1" }},
		{"overall above 100", func(r *store.QuizResult) { r.Overall = 101 }},
		{"overall negative", func(r *store.QuizResult) { r.Overall = -1 }},
		{"no band", func(r *store.QuizResult) { r.Band = "" }},
		{"dimension out of range", func(r *store.QuizResult) { r.Dimensions["people"] = 140 }},
		{"email without consent", func(r *store.QuizResult) { r.Email = "ceo@example.com" }},
		{"consent without email", func(r *store.QuizResult) { r.ConsentAt = &consent }},
		{"bad email", func(r *store.QuizResult) { r.Email, r.ConsentAt = "ceo at example", &consent }},
	} {
		r := newResult(t0)
		tc.change(r)
		err := s.SaveQuizResult(t.Context(), r)
		if code := store.ErrorCode(err); code != store.EINVALID {
			t.Errorf("SaveQuizResult %s: got code %q (%v), want %s", tc.name, code, err, store.EINVALID)
		}
	}
	if got, err := s.QuizResults(t.Context(), time.Time{}); err != nil || len(got) != 0 {
		t.Errorf("after invalid saves: QuizResults = %d results, %v; want none", len(got), err)
	}
}

func testQuizConcurrentSaves(t *testing.T, open Opener) {
	s := MustOpen(t, open)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			r := newResult(t0.Add(time.Duration(i) * time.Second))
			if err := s.SaveQuizResult(t.Context(), r); err != nil {
				errs <- fmt.Errorf("goroutine %d: %w", i, err)
				return
			}
			// Read back on the same store while others write.
			if _, err := s.QuizResult(t.Context(), r.ID); err != nil {
				errs <- fmt.Errorf("goroutine %d: read back: %w", i, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, err := s.QuizResults(t.Context(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Errorf("QuizResults after %d concurrent saves: got %d, want %d", n, len(got), n)
	}
}

func testMigrationsIdempotent(t *testing.T, open Opener) {
	first, err := open(t.Context())
	if err != nil {
		t.Fatalf("first open: %v", err)
	}
	r := newResult(t0)
	if err := first.SaveQuizResult(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for i := range 2 {
		s, err := open(t.Context())
		if err != nil {
			t.Fatalf("reopen %d: %v", i+1, err)
		}
		got, err := s.QuizResult(t.Context(), r.ID)
		if err != nil {
			t.Errorf("reopen %d: QuizResult: %v", i+1, err)
		} else if diff := diffResult(got, r); diff != "" {
			t.Errorf("reopen %d: %s", i+1, diff)
		}
		s.Close()
	}
}

// testConcurrentOpen opens the same fresh database from several stores at
// once, as function instances cold-starting together do: all must succeed,
// and a write through one is visible through the others.
func testConcurrentOpen(t *testing.T, open Opener) {
	const n = 5
	stores := make([]store.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errs[i] = open(t.Context()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("concurrent open %d: %v", i, err)
		} else {
			t.Cleanup(func() { stores[i].Close() })
		}
	}
	if t.Failed() {
		return
	}
	r := newResult(t0)
	if err := stores[0].SaveQuizResult(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	for i, s := range stores {
		if _, err := s.QuizResult(t.Context(), r.ID); err != nil {
			t.Errorf("store %d: QuizResult: %v", i, err)
		}
	}
}

func testClosed(t *testing.T, open Opener) {
	s, err := open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind() != store.KindSQLite && s.Kind() != store.KindPostgres {
		t.Errorf("Kind() = %q, want %q or %q", s.Kind(), store.KindSQLite, store.KindPostgres)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v, want nil", err)
	}
	_, err = s.QuizResult(t.Context(), store.NewID())
	if code := store.ErrorCode(err); code != store.EUNAVAILABLE {
		t.Errorf("QuizResult after Close: got code %q (%v), want %s", code, err, store.EUNAVAILABLE)
	}
	err = s.SaveQuizResult(t.Context(), newResult(t0))
	if code := store.ErrorCode(err); code != store.EUNAVAILABLE {
		t.Errorf("SaveQuizResult after Close: got code %q (%v), want %s", code, err, store.EUNAVAILABLE)
	}
}

// diffResult describes how got differs from want, or returns "". A nil map
// and an empty map are equal: both mean "no answers".
func diffResult(got, want *store.QuizResult) string {
	var d string
	add := func(field string, g, w any) { d += fmt.Sprintf("\n\t%s: got %v, want %v", field, g, w) }
	if got.ID != want.ID {
		add("ID", got.ID, want.ID)
	}
	if !got.CreatedAt.Equal(want.CreatedAt) || got.CreatedAt.Location() != time.UTC {
		add("CreatedAt", got.CreatedAt, want.CreatedAt)
	}
	if !maps.Equal(got.Answers, want.Answers) {
		add("Answers", got.Answers, want.Answers)
	}
	if got.Overall != want.Overall {
		add("Overall", got.Overall, want.Overall)
	}
	if got.Band != want.Band {
		add("Band", got.Band, want.Band)
	}
	if !maps.Equal(got.Dimensions, want.Dimensions) {
		add("Dimensions", got.Dimensions, want.Dimensions)
	}
	if got.Email != want.Email {
		add("Email", got.Email, want.Email)
	}
	for _, tc := range []struct {
		field     string
		got, want *time.Time
	}{{"ConsentAt", got.ConsentAt, want.ConsentAt}, {"ContactConsentAt", got.ContactConsentAt, want.ContactConsentAt}} {
		switch {
		case (tc.got == nil) != (tc.want == nil):
			add(tc.field, tc.got, tc.want)
		case tc.got != nil && (!tc.got.Equal(*tc.want) || tc.got.Location() != time.UTC):
			add(tc.field, *tc.got, *tc.want)
		}
	}
	if d != "" {
		d = "result " + want.ID + " differs:" + d
	}
	return d
}
