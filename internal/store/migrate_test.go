package store

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cassidine/site/internal/booking"
)

// TestMigrationsMatch checks that every dialect has the same migrations,
// numbered the same: a table added for one backend only would pass that
// backend's tests and break the other in production.
func TestMigrationsMatch(t *testing.T) {
	sqlite, err := loadMigrations(migrationFiles, sqliteDialect.migrationsDir)
	if err != nil {
		t.Fatal(err)
	}
	postgres, err := loadMigrations(migrationFiles, postgresDialect.migrationsDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(sqlite) == 0 {
		t.Fatal("no migrations embedded")
	}
	if len(sqlite) != len(postgres) {
		t.Fatalf("got %d sqlite migrations and %d postgres migrations, want the same", len(sqlite), len(postgres))
	}
	for i := range sqlite {
		if sqlite[i].name != postgres[i].name {
			t.Errorf("migration %04d: sqlite %q, postgres %q, want the same name", i+1, sqlite[i].name, postgres[i].name)
		}
	}
}

// TestMigrationLimits checks that the CHECK constraints of the bookings
// tables state package booking's limits, which the form and the Go
// validation apply: a different number in SQL would let one refuse what
// the other accepts. Changing a limit takes a new migration.
func TestMigrationLimits(t *testing.T) {
	for _, d := range []struct{ dir, length string }{{"sqlite", "length"}, {"postgres", "char_length"}} {
		src, err := fs.ReadFile(migrationFiles, "migrations/"+d.dir+"/0002_bookings.sql")
		if err != nil {
			t.Fatal(err)
		}
		length := d.length
		for _, want := range []string{
			fmt.Sprintf("%s(name) BETWEEN 1 AND %d", length, booking.MaxText),
			fmt.Sprintf("%s(email) BETWEEN 3 AND %d", length, booking.MaxEmail),
			fmt.Sprintf("%s(company) <= %d", length, booking.MaxText),
			fmt.Sprintf("%s(role) <= %d", length, booking.MaxText),
			fmt.Sprintf("%s(company_size) <= %d", length, booking.MaxText),
			fmt.Sprintf("%s(message) <= %d", length, booking.MaxMessage),
			fmt.Sprintf("array_length(challenges) <= %d", booking.MaxChallenges),
			fmt.Sprintf("%s(recipient) BETWEEN 3 AND %d", length, booking.MaxEmail),
		} {
			if !strings.Contains(string(src), want) {
				t.Errorf("migrations/%s/0002_bookings.sql: no %q", d.dir, want)
			}
		}
	}
}

func TestLoadMigrations(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	for _, tc := range []struct {
		name    string
		files   fstest.MapFS
		want    []int
		wantErr string
	}{
		{
			name:  "sorted",
			files: fstest.MapFS{"migrations/x/0002_b.sql": file("B"), "migrations/x/0001_a.sql": file("A")},
			want:  []int{1, 2},
		},
		{
			// A number reserved by work on another branch.
			name:  "gap",
			files: fstest.MapFS{"migrations/x/0001_a.sql": file("A"), "migrations/x/0003_c.sql": file("C")},
			want:  []int{1, 3},
		},
		{
			name:    "duplicate number",
			files:   fstest.MapFS{"migrations/x/0001_a.sql": file("A"), "migrations/x/0001_b.sql": file("B")},
			wantErr: "0001_a.sql and 0001_b.sql have one number",
		},
		{
			name:    "zero",
			files:   fstest.MapFS{"migrations/x/0000_a.sql": file("A")},
			wantErr: "numbers start at 0001",
		},
		{
			name:    "bad name",
			files:   fstest.MapFS{"migrations/x/1_Add Table.sql": file("A")},
			wantErr: "want NNNN_name.sql",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := loadMigrations(tc.files, "x")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.version)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got versions %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got versions %v, want %v", got, tc.want)
				}
			}
		})
	}
}
