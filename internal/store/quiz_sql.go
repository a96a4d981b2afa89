package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

const quizColumns = `id, created_at, answers, overall, band, dimensions, email, consent_at, contact_consent_at`

func (s *db) SaveQuizResult(ctx context.Context, r *QuizResult) error {
	if err := s.check(); err != nil {
		return err
	}
	if r.ID == "" {
		r.ID = NewID()
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = time.Now()
	}
	r.CreatedAt = utc(r.CreatedAt)
	// Copies: the caller's time values stay theirs.
	r.ConsentAt, r.ContactConsentAt = utcPtr(r.ConsentAt), utcPtr(r.ContactConsentAt)
	if err := validateQuizResult(r); err != nil {
		return err
	}
	return s.insertQuizResult(ctx, s.w, r)
}

// insertQuizResult writes r as is; SaveQuizResult has filled and checked it.
func (s *db) insertQuizResult(ctx context.Context, q querier, r *QuizResult) error {
	answers, err := jsonObject(r.Answers)
	if err != nil {
		return err
	}
	dimensions, err := jsonObject(r.Dimensions)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx,
		`INSERT INTO quiz_results (`+quizColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		r.ID, s.d.timeArg(r.CreatedAt), answers, r.Overall, r.Band, dimensions,
		nullString(r.Email), s.nullTime(r.ConsentAt), s.nullTime(r.ContactConsentAt))
	if err != nil {
		return withMessage(s.wrap(err, "save quiz result "+r.ID), ECONFLICT, "a quiz result with this id already exists")
	}
	return nil
}

func (s *db) QuizResult(ctx context.Context, id string) (*QuizResult, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, "quiz result not found")
	}
	row := s.r.QueryRowContext(ctx, `SELECT `+quizColumns+` FROM quiz_results WHERE id = $1`, id)
	var r QuizResult
	if err := scanQuizResult(row, &r); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, Errorf(ENOTFOUND, "quiz result not found")
		}
		return nil, s.wrap(err, "read quiz result "+id)
	}
	return &r, nil
}

func (s *db) SetQuizEmail(ctx context.Context, id, email string, at time.Time, contact bool) error {
	if err := s.check(); err != nil {
		return err
	}
	if err := checkEmail("e-mail address", email); err != nil {
		return err
	}
	if at.IsZero() {
		return Errorf(EINVALID, "consent time is missing")
	}
	if !ValidID(id) {
		return Errorf(ENOTFOUND, "quiz result not found")
	}
	var contactAt *time.Time
	if contact {
		contactAt = &at
	}
	// The first address given stays: a shared result link must not let
	// anyone replace its owner's address (the same one again is fine).
	// Without contact, an earlier agreement to be contacted stays too.
	res, err := s.w.ExecContext(ctx,
		`UPDATE quiz_results SET email = $1, consent_at = $2, contact_consent_at = COALESCE($4, contact_consent_at)
		WHERE id = $3 AND (email IS NULL OR lower(email) = lower($1))`,
		email, s.d.timeArg(utc(at)), id, s.nullTime(utcPtr(contactAt)))
	if err != nil {
		return s.wrap(err, "set e-mail on quiz result "+id)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.wrap(err, "set e-mail on quiz result "+id)
	}
	if n == 0 {
		if _, err := s.QuizResult(ctx, id); err != nil {
			return err // ENOTFOUND, or the store failing
		}
		return Errorf(ECONFLICT, "this quiz result already has another e-mail address")
	}
	return nil
}

func (s *db) QuizResults(ctx context.Context, since time.Time) ([]QuizResult, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx,
		`SELECT `+quizColumns+` FROM quiz_results WHERE created_at >= $1 ORDER BY created_at DESC, id DESC`,
		s.d.timeArg(utc(since)))
	if err != nil {
		return nil, s.wrap(err, "list quiz results")
	}
	defer rows.Close()
	var out []QuizResult
	for rows.Next() {
		var r QuizResult
		if err := scanQuizResult(rows, &r); err != nil {
			return nil, s.wrap(err, "list quiz results")
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list quiz results")
	}
	return out, nil
}

// scanQuizResult reads the columns of quizColumns into r.
func scanQuizResult(row interface{ Scan(...any) error }, r *QuizResult) error {
	var (
		created, consent, contact timeValue
		answers, dimensions       []byte
		email                     sql.NullString
	)
	if err := row.Scan(&r.ID, &created, &answers, &r.Overall, &r.Band, &dimensions, &email, &consent, &contact); err != nil {
		return err
	}
	r.CreatedAt = created.Time
	r.ConsentAt, r.ContactConsentAt = consent.ptr(), contact.ptr()
	r.Email = email.String
	if err := json.Unmarshal(answers, &r.Answers); err != nil {
		return fmt.Errorf("answers of quiz result %s: %w", r.ID, err)
	}
	if err := json.Unmarshal(dimensions, &r.Dimensions); err != nil {
		return fmt.Errorf("dimensions of quiz result %s: %w", r.ID, err)
	}
	return nil
}

// jsonObject encodes m as a JSON object; nil becomes {} so the column always
// holds an object and reads back as an empty, non-nil map.
func jsonObject(m map[string]int) (string, error) {
	if m == nil {
		return "{}", nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", &Error{Code: EINTERNAL, Message: defaultMessage(EINTERNAL), Err: err}
	}
	return string(b), nil
}
