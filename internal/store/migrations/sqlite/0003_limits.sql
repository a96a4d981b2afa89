-- Limits that hold across instances (issue: the function under attack).
--
-- Rate limits become sliding windows: one row per counted request, so that
-- "at most N in any hour" holds across window boundaries. Rows older than a
-- day are pruned by Hit.
DROP TABLE rate_hits;
CREATE TABLE rate_events (
    key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    at  TEXT NOT NULL
) STRICT;
CREATE INDEX rate_events_key_at ON rate_events (key, at);
CREATE INDEX rate_events_at ON rate_events (at);

-- Upcoming active bookings per visitor address and per e-mail address, for
-- the limits checked inside the booking transaction.
CREATE INDEX bookings_active_ip ON bookings (ip_hash, end_at) WHERE cancelled_at IS NULL;
CREATE INDEX bookings_active_email ON bookings (lower(email), end_at) WHERE cancelled_at IS NULL;
