package store

import (
	"context"
	"time"
)

// QuizResult is one completed readiness quiz: the answers, the score computed
// from them, and, only if the prospect asked for the result by email, their
// e-mail address.
//
// Two consents are kept apart. ConsentAt is when the prospect asked for the
// result to be sent to Email (the address is kept with the result for
// that); ContactConsentAt is when they also agreed to be contacted about
// it. The second is optional and never given without the first: a result
// with ConsentAt alone must not be followed up.
type QuizResult struct {
	ID         string         // unguessable (NewID); the result page is reached by it alone
	CreatedAt  time.Time      // UTC, microsecond precision once saved
	Answers    map[string]int // question id → answer 0..4
	Overall    int            // percent, 0..100
	Band       string         // band id from the quiz definition
	Dimensions map[string]int // dimension id → percent, 0..100
	Email      string         // set only together with ConsentAt
	ConsentAt  *time.Time     // when the prospect asked for the result at Email; nil = anonymous

	// ContactConsentAt is when the prospect agreed to be contacted about
	// the result; nil when they did not (they asked only for the result),
	// and always nil without Email.
	ContactConsentAt *time.Time
}

// QuizStore keeps quiz results. Handlers that only need quiz results can take
// this narrower interface.
type QuizStore interface {
	// SaveQuizResult inserts r. An empty r.ID gets NewID and a zero
	// r.CreatedAt gets the current time; CreatedAt, ConsentAt and
	// ContactConsentAt are normalised to UTC with microsecond precision
	// (what Postgres keeps) and written back to r. ECONFLICT if the id
	// exists, EINVALID if r breaks an invariant (bad id, overall out of
	// range, e-mail without consent, consent to contact without e-mail).
	SaveQuizResult(ctx context.Context, r *QuizResult) error

	// QuizResult returns the result with id, or ENOTFOUND.
	QuizResult(ctx context.Context, id string) (*QuizResult, error)

	// SetQuizEmail attaches email to the result with id, recording that the
	// prospect asked at time at for the result to be sent there, and, when
	// contact is true, that they also agreed to be contacted about it. The
	// first address stays: calling it again with the same address (in any
	// case) renews the consents given, with another one is ECONFLICT.
	// A call without contact leaves an earlier agreement to be contacted as
	// it was: asking for the result again does not withdraw it. ENOTFOUND if
	// there is no such result.
	SetQuizEmail(ctx context.Context, id, email string, at time.Time, contact bool) error

	// QuizResults returns the results created at or after since, newest
	// first (ties broken by id, so the order is stable).
	QuizResults(ctx context.Context, since time.Time) ([]QuizResult, error)
}

// validateQuizResult checks the invariants the tables also enforce, so that
// callers get EINVALID with a readable message instead of a constraint name.
func validateQuizResult(r *QuizResult) error {
	switch {
	case !ValidID(r.ID):
		return Errorf(EINVALID, "quiz result id %q is not a store id", r.ID)
	case r.Overall < 0 || r.Overall > 100:
		return Errorf(EINVALID, "overall score %d is outside 0..100", r.Overall)
	case r.Band == "":
		return Errorf(EINVALID, "quiz result has no band")
	case r.Email != "" && r.ConsentAt == nil:
		return Errorf(EINVALID, "an e-mail address can only be stored with consent")
	case r.Email == "" && r.ConsentAt != nil:
		return Errorf(EINVALID, "consent without an e-mail address")
	case r.Email == "" && r.ContactConsentAt != nil:
		return Errorf(EINVALID, "consent to be contacted without an e-mail address")
	}
	for id, pct := range r.Dimensions {
		if pct < 0 || pct > 100 {
			return Errorf(EINVALID, "dimension %q score %d is outside 0..100", id, pct)
		}
	}
	if r.Email != "" {
		return checkEmail("e-mail address", r.Email)
	}
	return nil
}
