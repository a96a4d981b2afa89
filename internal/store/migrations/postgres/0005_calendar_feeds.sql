-- The consultant's calendar feeds (CALENDAR_URLS), cached: the function has
-- no memory between invocations, and a feed must not be fetched on every
-- request. A feed's address is its password, so a row is keyed by a hash of
-- it and never holds it: label is the address as calendar.Redact writes it
-- ("https://calendar.google.com/…").
--
-- busy is the busy time of the last good copy, a JSON array of
-- {"start", "end"} in UTC; skipped names the events it had to leave out.
-- fetched_at is the last attempt and good_at the last that worked; error is
-- the last attempt's error, redacted ('' when it worked). alerted_at is when
-- the consultant was told the feed is down, NULL again once it works.
-- lease_token and lease_until are held by the refresh under way, so that
-- concurrent requests do not all fetch the same feed.
CREATE TABLE calendar_feeds (
    key         TEXT PRIMARY KEY CHECK (char_length(key) BETWEEN 1 AND 128),
    label       TEXT NOT NULL CHECK (char_length(label) <= 300),
    busy        JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(busy) = 'array'),
    skipped     TEXT NOT NULL DEFAULT '' CHECK (char_length(skipped) <= 1000),
    fetched_at  TIMESTAMPTZ,
    good_at     TIMESTAMPTZ,
    error       TEXT NOT NULL DEFAULT '' CHECK (char_length(error) <= 1000),
    alerted_at  TIMESTAMPTZ,
    lease_token TEXT,
    lease_until TIMESTAMPTZ
);
