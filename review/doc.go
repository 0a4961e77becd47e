// Package review is SynthReview's domain: items and their states, marks and
// rule hits, decisions with reason codes and sanctions, complaints, consent
// and real-name records, accounts and roles, and the hash-chained event. It
// holds the rules (allowed state transitions, role checks, validation) so no
// screen or command can forget them, and declares the small port interfaces
// that store implements and ui consumes.
//
// It imports the standard library only: never Fyne, database/sql,
// modernc.org/..., store, ui or app (arch_test.go enforces this).
package review
