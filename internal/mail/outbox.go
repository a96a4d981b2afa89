package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cassidine/site/internal/store"
)

// Outbox is the part of store.BookingStore that Drain needs; any store
// satisfies it.
type Outbox interface {
	// ClaimMessages returns up to limit unsent messages due at now and
	// claims them for lease, so concurrent drainers do not send one twice.
	ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.OutboxMessage, error)
	// MarkSent records a successful send.
	MarkSent(ctx context.Context, id int64, at time.Time) error
	// MarkFailed records a failed attempt and when to try next.
	MarkFailed(ctx context.Context, id int64, reason string, next time.Time) error
}

var _ Outbox = store.BookingStore(nil)

const (
	// Lease is how long Drain holds the messages it claims. Drain stops
	// starting sends once a send might outlast it, so a message is never
	// sent by two drainers at once.
	Lease = time.Minute

	// BackoffBase and BackoffMax shape the retry schedule (see Backoff).
	BackoffBase = time.Minute
	BackoffMax  = 6 * time.Hour

	// parkFor is how far away a message that can never be sent (its payload
	// does not decode) is put: out of every drain, still listed by
	// `site leads send` for a person to look at.
	parkFor = 100 * 365 * 24 * time.Hour

	maxReason = 1000 // bytes of error kept in LastError
)

// Backoff returns how long to wait before the next try of a message that
// has failed after attempts earlier attempts: BackoffBase·2^attempts, at
// most BackoffMax. So 1m, 2m, 4m, ... 4h16m, then 6h for good.
func Backoff(attempts int) time.Duration {
	if attempts < 0 {
		attempts = 0
	}
	if attempts >= 20 { // past the cap long before; also keeps the shift sane
		return BackoffMax
	}
	return min(BackoffBase<<attempts, BackoffMax)
}

// Drain sends the messages due at now: it claims up to limit of them for
// Lease, sends each with s, and marks each sent or failed. A failed send is
// retried at now + Backoff(Attempts), Attempts being the store's count of
// earlier attempts; nothing is dropped. A payload that does not decode is
// marked failed, parked a century away (never retried in a hot loop) and
// reported in err.
//
// sent and failed count this call's messages. err joins what needs a
// person: payloads that cannot be sent, and outbox errors. Drain stops at
// the first outbox error (the store is likely down, and carrying on would
// send messages it cannot mark): messages it claimed but did not finish are
// claimed again after the lease. An SMTP failure is not an error here; it
// is counted in failed and retried.
//
// Delivery is at least once: if the store fails to record a send that
// happened, the message goes out again, with the same Message-ID.
func Drain(ctx context.Context, box Outbox, s Sender, now time.Time, limit int) (sent, failed int, err error) {
	msgs, err := box.ClaimMessages(ctx, now, Lease, limit)
	if err != nil {
		return 0, 0, fmt.Errorf("claim outbox messages: %w", err)
	}
	// Elapsed time is measured on the real clock: now may be a test's.
	start := time.Now()
	var errs []error
	for _, om := range msgs {
		if ctx.Err() != nil || time.Since(start) > Lease-2*Timeout {
			// Leave the rest claimed; they are due again when the lease ends.
			break
		}
		m, derr := Decode(om.Payload)
		if derr != nil {
			failed++
			reason := fmt.Sprintf("bad payload: %v", derr)
			if err := mark(ctx, func(ctx context.Context) error {
				return box.MarkFailed(ctx, om.ID, truncate(reason), now.Add(parkFor))
			}); err != nil {
				errs = append(errs, fmt.Errorf("outbox message %d: mark failed: %w", om.ID, err))
				return sent, failed, errors.Join(errs...)
			}
			errs = append(errs, fmt.Errorf("outbox message %d (%s): %w", om.ID, om.Kind, derr))
			continue
		}
		sctx, cancel := context.WithDeadline(ctx, start.Add(Lease-Timeout))
		serr := s.Send(sctx, m)
		cancel()
		if serr != nil {
			failed++
			next := now.Add(Backoff(om.Attempts))
			if err := mark(ctx, func(ctx context.Context) error {
				return box.MarkFailed(ctx, om.ID, truncate(serr.Error()), next)
			}); err != nil {
				errs = append(errs, fmt.Errorf("outbox message %d: mark failed: %w", om.ID, err))
				return sent, failed, errors.Join(errs...)
			}
			continue
		}
		sent++
		if err := mark(ctx, func(ctx context.Context) error { return box.MarkSent(ctx, om.ID, now) }); err != nil {
			errs = append(errs, fmt.Errorf("outbox message %d: sent, but mark sent: %w", om.ID, err))
			return sent, failed, errors.Join(errs...)
		}
	}
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	return sent, failed, errors.Join(errs...)
}

// mark records an outcome even when ctx has just been cancelled: a send that
// happened must be written down, or it is sent again.
func mark(ctx context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), Timeout)
	defer cancel()
	return f(ctx)
}

func truncate(s string) string {
	if len(s) <= maxReason {
		return s
	}
	// Cut on a rune boundary so the store gets valid UTF-8.
	i := maxReason
	for i > 0 && s[i]&0xc0 == 0x80 {
		i--
	}
	return s[:i] + "…"
}
