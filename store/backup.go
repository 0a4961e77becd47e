package store

import (
	"context"
	"fmt"
	"os"
)

// BackupTo writes a consistent copy of the live database to path with
// SQLite's VACUUM INTO, which reads inside one transaction: writers in other
// processes go on, and the copy holds exactly the state at its start.
// path must not exist.
func (s *DB) BackupTo(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists already", path)
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return s.mapErr(fmt.Errorf("backup %s to %s", s.path, path), err)
	}
	return nil
}

// IntegrityCheck runs SQLite's integrity and foreign-key checks and returns
// an error describing the first problems found.
func (s *DB) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := s.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return s.mapErr(fmt.Errorf("integrity check of %s", s.path), err)
	}
	if res != "ok" {
		return fmt.Errorf("integrity check of %s: %s", s.path, res)
	}
	rows, err := s.db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return s.mapErr(fmt.Errorf("foreign key check of %s", s.path), err)
	}
	defer rows.Close()
	if rows.Next() {
		return fmt.Errorf("foreign key check of %s: dangling references", s.path)
	}
	return rows.Err()
}
