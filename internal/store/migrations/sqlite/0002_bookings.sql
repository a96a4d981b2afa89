-- Bookings, the e-mail outbox and rate-limit counters. Times are UTC text in
-- the fixed-width layout of 0001 (2006-01-02T15:04:05.000000Z), so text order
-- is time order. Length limits count characters and match validateBooking
-- and validateMessage in booking_sql.go, which give the readable errors;
-- these are the last line of defence.

-- A booking holds its slot while cancelled_at is NULL. challenges is a JSON
-- array of strings. quiz_result is deliberately not a foreign key: it comes
-- from the visitor's form, and a stale or erased quiz result must not stop a
-- booking.
CREATE TABLE bookings (
    id           TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 26),
    created_at   TEXT NOT NULL,
    start_at     TEXT NOT NULL,
    end_at       TEXT NOT NULL,
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email        TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    company      TEXT NOT NULL DEFAULT '' CHECK (length(company) <= 200),
    role         TEXT NOT NULL DEFAULT '' CHECK (length(role) <= 200),
    company_size TEXT NOT NULL DEFAULT '' CHECK (length(company_size) <= 200),
    challenges   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(challenges) AND json_type(challenges) = 'array' AND json_array_length(challenges) <= 20),
    message      TEXT NOT NULL DEFAULT '' CHECK (length(message) <= 5000),
    quiz_result  TEXT CHECK (length(quiz_result) = 26),
    ip_hash      TEXT NOT NULL DEFAULT '' CHECK (length(ip_hash) <= 128),
    sequence     INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),
    cancelled_at TEXT,
    CHECK (end_at > start_at)
) STRICT;

-- At most one active booking per start: this index, not a check in Go, is
-- what makes a double booking impossible when two requests race.
CREATE UNIQUE INDEX bookings_active_start ON bookings (start_at) WHERE cancelled_at IS NULL;
CREATE INDEX bookings_start ON bookings (start_at, id);

-- Outgoing e-mail, written in the transaction of the change it reports.
-- claimed_until is the lease of the drainer sending it (NULL: unclaimed).
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at    TEXT NOT NULL,
    booking       TEXT REFERENCES bookings (id),
    kind          TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 40 AND kind NOT GLOB '*[^a-z-]*'),
    recipient     TEXT NOT NULL CHECK (length(recipient) BETWEEN 3 AND 254),
    payload       BLOB NOT NULL CHECK (length(payload) BETWEEN 1 AND 1048576),
    attempts      INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt  TEXT NOT NULL,
    last_error    TEXT NOT NULL DEFAULT '' CHECK (length(last_error) <= 1000),
    sent_at       TEXT,
    claimed_until TEXT
) STRICT;

CREATE INDEX outbox_due ON outbox (next_attempt, id) WHERE sent_at IS NULL;
CREATE INDEX outbox_booking ON outbox (booking) WHERE booking IS NOT NULL;

-- Rate-limit counters: requests under key in the window [window_start,
-- window_end). The end is part of the key so that one key counted over two
-- window lengths keeps two counters. Expired windows are pruned by CountHit.
CREATE TABLE rate_hits (
    key          TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    window_start TEXT NOT NULL,
    window_end   TEXT NOT NULL,
    count        INTEGER NOT NULL CHECK (count > 0),
    PRIMARY KEY (key, window_start, window_end)
) STRICT, WITHOUT ROWID;

CREATE INDEX rate_hits_window_end ON rate_hits (window_end);
