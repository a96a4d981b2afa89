-- Quiz results. answers and dimensions are JSON objects:
-- question or dimension id → number.
CREATE TABLE quiz_results (
    id          TEXT PRIMARY KEY,
    created_at  TIMESTAMPTZ NOT NULL,
    answers     JSONB NOT NULL CHECK (jsonb_typeof(answers) = 'object'),
    overall     INTEGER NOT NULL CHECK (overall BETWEEN 0 AND 100),
    band        TEXT NOT NULL CHECK (band <> ''),
    dimensions  JSONB NOT NULL CHECK (jsonb_typeof(dimensions) = 'object'),
    email       TEXT,
    consent_at  TIMESTAMPTZ,
    -- An address is kept only with the time the prospect consented.
    CHECK ((email IS NULL) = (consent_at IS NULL))
);

CREATE INDEX quiz_results_created_at ON quiz_results (created_at DESC, id DESC);
