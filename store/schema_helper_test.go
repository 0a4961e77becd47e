package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"synthreview/store"
)

// rawAtSchema makes a workspace file as a release before schema version
// below left it: migrations 1 to below-1 of migrations/*.sql applied and
// recorded in schema_migrations, as store.Open records them. It returns the
// file opened raw, for the test to write the old release's rows, and its
// path; the raw handle is closed at the end of the test at the latest.
func rawAtSchema(t *testing.T, below int) (*sql.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), store.DBName)
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	if _, err := raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`); err != nil {
		t.Fatal(err)
	}
	names, err := filepath.Glob("migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	applied := 0
	for _, name := range names {
		var v int
		if _, err := fmt.Sscanf(filepath.Base(name), "%d_", &v); err != nil {
			t.Fatalf("%s: no version number: %v", name, err)
		}
		if v >= below {
			break
		}
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := raw.Exec(`INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00.000Z')`, v, filepath.Base(name)); err != nil {
			t.Fatal(err)
		}
		applied++
	}
	if applied != below-1 {
		t.Fatalf("schema %d: applied %d migrations of %s, want %d", below-1, applied, names, below-1)
	}
	return raw, path
}

// execAll runs statements on raw in order and stops the test at the first
// that fails, naming its index.
func execAll(t *testing.T, raw *sql.DB, statements []string) {
	t.Helper()
	for i, q := range statements {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("statement %d: %v", i, err)
		}
	}
}

// openMigrated closes raw and opens the workspace at path with store.Open,
// which brings it to the current schema; the migrated workspace must pass
// its integrity check. It is closed at the end of the test.
func openMigrated(t *testing.T, raw *sql.DB, path string) *store.DB {
	t.Helper()
	ctx := context.Background()
	raw.Close()
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatalf("migrating the workspace at %s: %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}
