-- Reminders before each session (issue 12).
--
-- A booking remembers when it was last moved (NULL: never): a reminder
-- whose time had already passed when the booking got its current time is
-- not sent, since the confirmation (or the move's email) has just said it.
ALTER TABLE bookings ADD COLUMN moved_at TIMESTAMPTZ;

-- One row per reminder of a booking at one version of it (its sequence,
-- which every move raises), written in the transaction that queues its
-- email: the primary key makes a second copy impossible, however many
-- instances of the hourly job run at once. A reminder of an earlier
-- sequence says nothing about the current one.
--
-- outbox_id is the email queued for it. It is NULL when none went out: a
-- reminder passed over for a later one of the same session (the job was
-- down while both fell due), or an email withdrawn unsent because the
-- booking was moved or cancelled before it went.
CREATE TABLE reminders (
    booking        TEXT NOT NULL REFERENCES bookings (id),
    sequence       INTEGER NOT NULL CHECK (sequence >= 0),
    before_minutes INTEGER NOT NULL CHECK (before_minutes > 0),
    queued_at      TIMESTAMPTZ NOT NULL,
    outbox_id      BIGINT REFERENCES outbox (id) ON DELETE SET NULL,
    PRIMARY KEY (booking, sequence, before_minutes)
);
CREATE INDEX reminders_outbox ON reminders (outbox_id) WHERE outbox_id IS NOT NULL;
