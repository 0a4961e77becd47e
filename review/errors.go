package review

import (
	"errors"
	"fmt"
)

// Error codes. They survive wrapping with %w; the UI words user-facing ones
// and shows a neutral message for EINTERNAL.
const (
	ENOTFOUND  = "ENOTFOUND"  // the record does not exist
	EINVALID   = "EINVALID"   // the input breaks a rule; the message says which
	ECONFLICT  = "ECONFLICT"  // the record changed or exists already
	ECONSENT   = "ECONSENT"   // a biometric item lacks a valid consent record
	EFORBIDDEN = "EFORBIDDEN" // the acting account's role does not allow this
	EBUSY      = "EBUSY"      // another process holds the write lock
	EINTERNAL  = "EINTERNAL"  // anything else
)

// Error is a domain error with a code and a message for people.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrNotFound is the generic not-found error; stores wrap it with context.
var ErrNotFound = &Error{Code: ENOTFOUND, Message: "not found"}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// neutral text for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
