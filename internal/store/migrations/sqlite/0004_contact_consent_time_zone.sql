-- The consultant's week (issue 12).
--
-- Asking for a quiz result by email and agreeing to be contacted about it
-- are two separate choices. consent_at records the first: the address is
-- kept with the result to send it. contact_consent_at records the second,
-- which is optional and only ever given with an address. Results stored
-- before this migration were asked for under one checkbox that spoke of
-- sending the result only, so none of them counts as agreeing to be
-- contacted.
ALTER TABLE quiz_results ADD COLUMN contact_consent_at TEXT
    CHECK (contact_consent_at IS NULL OR email IS NOT NULL);

-- The prospect's own time zone (an IANA name, as their browser reported it
-- with the form; '' when unknown), so the pages and emails about a booking
-- show its time there as well as in the consultant's zone.
ALTER TABLE bookings ADD COLUMN time_zone TEXT NOT NULL DEFAULT ''
    CHECK (length(time_zone) <= 64);
