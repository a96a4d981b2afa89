package store

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestClassifyPostgres(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"unique violation", &pgconn.PgError{Code: "23505"}, ECONFLICT},
		{"wrapped unique violation", fmt.Errorf("insert: %w", &pgconn.PgError{Code: "23505"}), ECONFLICT},
		{"check violation", &pgconn.PgError{Code: "23514"}, EINVALID},
		{"connection failure", &pgconn.PgError{Code: "08006"}, EUNAVAILABLE},
		{"too many connections", &pgconn.PgError{Code: "53300"}, EUNAVAILABLE},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, EUNAVAILABLE},
		{"starting up", &pgconn.PgError{Code: "57P03"}, EUNAVAILABLE},
		{"syntax error", &pgconn.PgError{Code: "42601"}, ""},
		{"connection refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, EUNAVAILABLE},
		{"connection reset", fmt.Errorf("read: %w", syscall.ECONNRESET), EUNAVAILABLE},
		{"unexpected EOF", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), EUNAVAILABLE},
		{"bad conn", driver.ErrBadConn, EUNAVAILABLE},
		{"other", errors.New("boom"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := classifyPostgres(tc.err); got != tc.want {
				t.Errorf("classifyPostgres(%v) = %q, want %q", tc.err, got, tc.want)
			}
		})
	}
}
