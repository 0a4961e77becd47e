// Package rules is SynthReview's rule engine: the versioned rule set that
// turns the law's obligations into rule hits with evidence (issue 7), the
// keyword library (an Aho–Corasick automaton over normalised text), the
// feature library (PDQ banks with a multi-index hash, negative banks, and
// the propose → approve → publish cycle as pure state), and routing with a
// deterministic sample of clear items.
//
// Intake builds an Input from the sidecar, the marking report and the
// registries (FromIntake plus a registry lookup), then calls
// RuleSet.Evaluate and RuleSet.Route — or hands both to an Engine, which
// implements app/intake's Rules interface. Rule files are read by
// store/rulefile; this package does no I/O.
//
// It imports the standard library, synthreview/review and the report types
// of synthreview/marking only: never Fyne, database/sql, modernc.org/...,
// store, ui, app or any third-party module (style.md §2; arch_test.go
// enforces the forbidden edges).
package rules
