package api_test

import (
	"errors"
	"testing"
	"time"

	"github.com/cassidine/site/internal/api"
	"github.com/cassidine/site/internal/booking"
	"github.com/cassidine/site/internal/store"
)

// TestConsultantMoveCancel: Function.Move and Cancel, the consultant's
// commands, hold the rules the links hold and queue the same emails.
func TestConsultantMoveCancel(t *testing.T) {
	f := newBkFixture(t)
	ctx := t.Context()
	id, _ := f.book(t, bkValues(bkDec(8, 9, 0), "ada@example.com"))
	other, _ := f.book(t, bkValues(bkDec(8, 13, 0), "grace@example.com"))

	night := bkDec(13, 3, 0) // a Sunday, 03:00
	if _, err := f.fn.Move(ctx, id, night, false); !errors.Is(err, booking.ErrNotOffered) {
		t.Errorf("Move outside the hours: %v, want booking.ErrNotOffered", err)
	}
	if _, err := f.fn.Move(ctx, id, bkDec(8, 13, 15), true); !errors.Is(err, booking.ErrTaken) {
		t.Errorf("Move -force within the buffer of another session: %v, want booking.ErrTaken", err)
	}
	if _, err := f.fn.Move(ctx, id, bkDec(7, 7, 0), true); !errors.Is(err, api.ErrPast) {
		t.Errorf("Move -force to the past: %v, want api.ErrPast", err)
	}
	b, err := f.fn.Move(ctx, id, night, true)
	if err != nil || !b.Start.Equal(night) || !b.End.Equal(night.Add(30*time.Minute)) || b.Sequence != 1 {
		t.Fatalf("Move -force outside the hours: %+v, %v; want at %v for 30 minutes, sequence 1", b, err, night)
	}
	_, moved := bkOne(t, f.outbox(t), "reschedule")
	bkWantInvite(t, "the consultant's move", bkICS(t, moved), b, "REQUEST", 1)
	if want := "Your advisory session has moved: Sunday, December 13 at 9:00 AM GMT"; moved.Subject != want { // in the prospect's zone
		t.Errorf("the move's email: subject %q, want %q", moved.Subject, want)
	}
	bkOne(t, f.outbox(t), "reschedule-notice")

	c, err := f.fn.Cancel(ctx, other)
	if err != nil || c.CancelledAt == nil || c.Sequence != 1 {
		t.Fatalf("Cancel: %+v, %v", c, err)
	}
	_, cancelled := bkOne(t, f.outbox(t), "cancellation")
	bkWantInvite(t, "the consultant's cancellation", bkICS(t, cancelled), c, "CANCEL", 1)
	if _, err := f.fn.Cancel(ctx, other); !errors.Is(err, api.ErrCancelled) {
		t.Errorf("Cancel again: %v, want api.ErrCancelled", err)
	}
	if _, err := f.fn.Cancel(ctx, store.NewID()); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("Cancel of an unknown id: %v, want ENOTFOUND", err)
	}

	// Once the session has started, neither.
	f.clock.Set(night.Add(time.Minute))
	if _, err := f.fn.Cancel(ctx, id); !errors.Is(err, store.ErrStarted) {
		t.Errorf("Cancel of a started session: %v, want store.ErrStarted", err)
	}
	if _, err := f.fn.Move(ctx, id, bkDec(15, 9, 0), false); !errors.Is(err, store.ErrStarted) {
		t.Errorf("Move of a started session: %v, want store.ErrStarted", err)
	}
}
