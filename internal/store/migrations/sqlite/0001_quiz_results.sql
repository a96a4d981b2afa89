-- Quiz results. Times are UTC text in a fixed-width layout
-- (2006-01-02T15:04:05.000000Z), so text order is time order.
-- answers and dimensions are JSON objects: question or dimension id → number.
CREATE TABLE quiz_results (
    id          TEXT PRIMARY KEY NOT NULL,
    created_at  TEXT NOT NULL,
    answers     TEXT NOT NULL CHECK (json_valid(answers) AND json_type(answers) = 'object'),
    overall     INTEGER NOT NULL CHECK (overall BETWEEN 0 AND 100),
    band        TEXT NOT NULL CHECK (band <> ''),
    dimensions  TEXT NOT NULL CHECK (json_valid(dimensions) AND json_type(dimensions) = 'object'),
    email       TEXT,
    consent_at  TEXT,
    -- An address is kept only with the time the prospect consented.
    CHECK ((email IS NULL) = (consent_at IS NULL))
) STRICT;

CREATE INDEX quiz_results_created_at ON quiz_results (created_at DESC, id DESC);
