-- Bookings, the e-mail outbox and rate-limit counters. Length limits count
-- characters and match validateBooking and validateMessage in booking_sql.go,
-- which give the readable errors; these are the last line of defence.

-- A booking holds its slot while cancelled_at is NULL. challenges is a JSON
-- array of strings. quiz_result is deliberately not a foreign key: it comes
-- from the visitor's form, and a stale or erased quiz result must not stop a
-- booking.
CREATE TABLE bookings (
    id           TEXT PRIMARY KEY CHECK (char_length(id) = 26),
    created_at   TIMESTAMPTZ NOT NULL,
    start_at     TIMESTAMPTZ NOT NULL,
    end_at       TIMESTAMPTZ NOT NULL,
    name         TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    email        TEXT NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    company      TEXT NOT NULL DEFAULT '' CHECK (char_length(company) <= 200),
    role         TEXT NOT NULL DEFAULT '' CHECK (char_length(role) <= 200),
    company_size TEXT NOT NULL DEFAULT '' CHECK (char_length(company_size) <= 200),
    -- CASE, not AND: jsonb_array_length raises an error on a non-array.
    challenges   JSONB NOT NULL DEFAULT '[]' CHECK (CASE WHEN jsonb_typeof(challenges) = 'array' THEN jsonb_array_length(challenges) <= 20 ELSE false END),
    message      TEXT NOT NULL DEFAULT '' CHECK (char_length(message) <= 5000),
    quiz_result  TEXT CHECK (char_length(quiz_result) = 26),
    ip_hash      TEXT NOT NULL DEFAULT '' CHECK (char_length(ip_hash) <= 128),
    sequence     INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),
    cancelled_at TIMESTAMPTZ,
    CHECK (end_at > start_at)
);

-- At most one active booking per start: this index, not a check in Go, is
-- what makes a double booking impossible when two requests race.
CREATE UNIQUE INDEX bookings_active_start ON bookings (start_at) WHERE cancelled_at IS NULL;
CREATE INDEX bookings_start ON bookings (start_at, id);

-- Outgoing e-mail, written in the transaction of the change it reports.
-- claimed_until is the lease of the drainer sending it (NULL: unclaimed).
CREATE TABLE outbox (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at    TIMESTAMPTZ NOT NULL,
    booking       TEXT REFERENCES bookings (id),
    kind          TEXT NOT NULL CHECK (char_length(kind) BETWEEN 1 AND 40 AND kind ~ '^[a-z-]+$'),
    recipient     TEXT NOT NULL CHECK (char_length(recipient) BETWEEN 3 AND 254),
    payload       BYTEA NOT NULL CHECK (octet_length(payload) BETWEEN 1 AND 1048576),
    attempts      INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt  TIMESTAMPTZ NOT NULL,
    last_error    TEXT NOT NULL DEFAULT '' CHECK (char_length(last_error) <= 1000),
    sent_at       TIMESTAMPTZ,
    claimed_until TIMESTAMPTZ
);

CREATE INDEX outbox_due ON outbox (next_attempt, id) WHERE sent_at IS NULL;
CREATE INDEX outbox_booking ON outbox (booking) WHERE booking IS NOT NULL;

-- Rate-limit counters: requests under key in the window [window_start,
-- window_end). The end is part of the key so that one key counted over two
-- window lengths keeps two counters. Expired windows are pruned by CountHit.
CREATE TABLE rate_hits (
    key          TEXT NOT NULL CHECK (char_length(key) BETWEEN 1 AND 200),
    window_start TIMESTAMPTZ NOT NULL,
    window_end   TIMESTAMPTZ NOT NULL,
    count        INTEGER NOT NULL CHECK (count > 0),
    PRIMARY KEY (key, window_start, window_end)
);

CREATE INDEX rate_hits_window_end ON rate_hits (window_end);
