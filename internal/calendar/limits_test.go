package calendar

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLimits(t *testing.T) {
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	feed := func(events ...string) []byte {
		return []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + strings.Join(events, "") + "END:VCALENDAR\r\n")
	}
	daily := func(uid string, count int) string {
		return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTART:20260302T090000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=" +
			strconv.Itoa(count) + "\r\nEND:VEVENT\r\n"
	}
	small := limits{bytes: 1000, perEvent: 10, total: 15, expandTime: time.Minute}

	t.Run("per event", func(t *testing.T) {
		lim := small
		lim.total = 100
		f, err := parse(feed(daily("a", 11), daily("b", 10)), time.UTC, from, to, lim)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Skipped) != 1 || f.Skipped[0].UID != "a" || !errors.Is(f.Skipped[0], ErrTooLarge) {
			t.Errorf("skipped: got %v, want event a, too large", f.Err())
		}
		if len(f.Busy) != 10 {
			t.Errorf("got %d intervals, want event b's 10", len(f.Busy))
		}
	})
	t.Run("in all", func(t *testing.T) {
		_, err := parse(feed(daily("a", 8), daily("b", 8)), time.UTC, from, to, small)
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 15 occurrences") {
			t.Errorf("got %v, want more than 15 occurrences", err)
		}
	})
	t.Run("size", func(t *testing.T) {
		_, err := parse(feed(strings.Repeat(daily("a", 1), 10)), time.UTC, from, to, small)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("got %v, want ErrTooLarge", err)
		}
	})
	t.Run("time", func(t *testing.T) {
		lim := small
		lim.expandTime = time.Nanosecond
		_, err := parse(feed(daily("a", 2)), time.UTC, from, to, lim)
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "took longer than 1ns") {
			t.Errorf("got %v, want took longer than 1ns", err)
		}
	})
}
