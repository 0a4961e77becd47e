// Package store is the SQLite adapter of SynthReview: the workspace database
// (WAL, foreign keys, STRICT tables, embedded numbered migrations), one
// transaction per operation, and every change of state written together with
// its hash-chained event. All SQL of the program lives in this package and
// its sub-packages; SQLite specifics stay here so a PostgreSQL adapter can
// later sit behind the same review interfaces.
//
// It may import review, the standard library, database/sql and
// modernc.org/sqlite; never Fyne, ui or app.
package store

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"synthreview/review"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DBName is the database file's name inside a workspace folder.
const DBName = "synthreview.db"

// DB is an open workspace database.
type DB struct {
	db   *sql.DB
	path string
	// Now is the clock; rows written in one transaction share one now.
	Now func() time.Time
	// PersonalKey keys the hashes of personal fields that events carry.
	PersonalKey []byte
}

// Options tune Open.
type Options struct {
	// Create makes a new database; without it a missing file is an error.
	Create bool
	// ReadOnly opens for reading only (status, audit verify).
	ReadOnly bool
}

// Open opens (or with Create, creates) the database at path and brings its
// schema up to date. It refuses network file systems, files that are not
// SQLite databases, and damaged ones, with a message naming the file.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		return nil, review.Errorf(review.EINVALID, "%s is a folder, not a database file", path)
	case err == nil:
		if err := checkHeader(path); err != nil {
			return nil, err
		}
	case errors.Is(err, fs.ErrNotExist) && opt.Create:
	case errors.Is(err, fs.ErrNotExist):
		return nil, review.Errorf(review.ENOTFOUND, "%s does not exist", path)
	default:
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := refuseNetworkFS(filepath.Dir(path)); err != nil {
		return nil, err
	}
	dsn := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)&_txlock=immediate"
	if opt.ReadOnly {
		dsn += "&mode=ro"
	} else {
		dsn += "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &DB{db: db, path: path, Now: time.Now}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, s.mapErr(fmt.Errorf("open %s", path), err)
	}
	if !opt.ReadOnly {
		if err := s.migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	} else if err := s.checkSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *DB) Close() error { return s.db.Close() }

// Path returns the database file's path.
func (s *DB) Path() string { return s.path }

func checkHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	var hdr [16]byte
	n, err := f.Read(hdr[:])
	if n == 0 && err != nil {
		// An empty file is what a crash during creation leaves.
		return review.Errorf(review.EINVALID, "%s is empty: not a SynthReview database", path)
	}
	if string(hdr[:n]) != "SQLite format 3\x00" {
		return review.Errorf(review.EINVALID, "%s is damaged or not a SQLite database (bad file header)", path)
	}
	return nil
}

func (s *DB) checkSchema(ctx context.Context) error {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(version),0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return s.mapErr(fmt.Errorf("read schema of %s", s.path), err)
	}
	if v == 0 {
		return review.Errorf(review.EINVALID, "%s has no SynthReview schema", s.path)
	}
	return nil
}

func (s *DB) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`); err != nil {
		return s.mapErr(fmt.Errorf("prepare migrations in %s", s.path), err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: bad number", base)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		apply := func(tx *sql.Tx, now time.Time) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, v).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				v, base, review.FormatTime(now))
			return err
		}
		if bytes.HasPrefix(body, []byte(rebuildMarker)) {
			err = s.rebuildTx(ctx, base, apply)
		} else {
			err = s.inTx(ctx, apply)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// rebuildMarker opens a migration that rebuilds tables other tables refer
// to: it runs with foreign keys off (SQLite's documented procedure for
// changing a table's constraints, https://sqlite.org/lang_altertable.html
// section 7), and the keys are checked before it commits.
const rebuildMarker = "-- synthreview: rebuilds tables (foreign keys off)"

// rebuildTx runs fn in one transaction on a connection of its own with
// foreign keys off, refuses to commit while PRAGMA foreign_key_check finds
// a dangling reference, and turns the keys on again before the connection
// goes back to the pool.
func (s *DB) rebuildTx(ctx context.Context, name string, fn func(tx *sql.Tx, now time.Time) error) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.mapErr(fmt.Errorf("migration %s: connection", name), err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return s.mapErr(fmt.Errorf("migration %s: foreign keys off", name), err)
	}
	defer func() {
		if _, e := conn.ExecContext(context.Background(), `PRAGMA foreign_keys = ON`); e != nil && err == nil {
			err = s.mapErr(fmt.Errorf("migration %s: foreign keys on", name), e)
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return s.mapErr(fmt.Errorf("migration %s: begin", name), err)
	}
	defer tx.Rollback()
	if err := fn(tx, s.Now().UTC()); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return s.mapErr(fmt.Errorf("migration %s: foreign key check", name), err)
	}
	var bad []string
	for rows.Next() {
		var table, parent string
		var rowid, fk sql.NullInt64
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			rows.Close()
			return err
		}
		bad = append(bad, fmt.Sprintf("%s row %d refers to a missing %s row", table, rowid.Int64, parent))
	}
	rows.Close()
	if len(bad) > 0 {
		return fmt.Errorf("migration %s leaves dangling references: %s", name, strings.Join(bad, "; "))
	}
	return s.mapErr(fmt.Errorf("migration %s: commit", name), tx.Commit())
}

// inTx runs fn in one immediate transaction, rolling back on error or panic.
// Rows written in it share one now.
func (s *DB) inTx(ctx context.Context, fn func(tx *sql.Tx, now time.Time) error) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.mapErr(fmt.Errorf("begin transaction on %s", s.path), err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx, s.Now().UTC()); err != nil {
		return s.mapErr(errors.New("write"), err)
	}
	if err = tx.Commit(); err != nil {
		return s.mapErr(fmt.Errorf("commit on %s", s.path), err)
	}
	return nil
}

// mapErr turns driver errors into review errors with context.
func (s *DB) mapErr(ctxErr, err error) error {
	if err == nil {
		return nil
	}
	var re *review.Error
	if errors.As(err, &re) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%v: %w", ctxErr, review.ErrNotFound)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return review.Errorf(review.EBUSY, "workspace database %s is locked for writing by another process; try again when it is done", s.path)
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return review.Errorf(review.EINVALID, "workspace database %s is damaged: %v", s.path, se)
		case sqlite3.SQLITE_CONSTRAINT:
			if se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
				return review.Errorf(review.ECONFLICT, "%v: already exists", ctxErr)
			}
		case sqlite3.SQLITE_READONLY:
			return review.Errorf(review.EINVALID, "workspace database %s is read-only here", s.path)
		case sqlite3.SQLITE_CANTOPEN:
			return review.Errorf(review.EINVALID, "cannot open workspace database %s", s.path)
		}
	}
	return fmt.Errorf("%v: %w", ctxErr, err)
}
