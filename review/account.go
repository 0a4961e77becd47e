package review

import (
	"context"
	"regexp"
	"time"
	"unicode/utf8"
)

// MinPasswordLen is the shortest password accepted, in characters.
const MinPasswordLen = 12

// MaxPasswordLen bounds the work a hostile password can cause.
const MaxPasswordLen = 1024

// Account is a person who signs in to SynthReview.
type Account struct {
	ID       int64
	Name     string
	Role     Role
	Disabled bool
	Created  time.Time
}

var accountName = regexp.MustCompile(`^[a-z][a-z0-9._-]{1,31}$`)

// ValidateAccountName checks a login name: 2–32 characters, lower-case ASCII
// letters, digits, '.', '_' or '-', starting with a letter.
func ValidateAccountName(name string) error {
	if !accountName.MatchString(name) {
		return Errorf(EINVALID, "account name %q: use 2–32 lower-case letters, digits, '.', '_' or '-', starting with a letter", name)
	}
	return nil
}

// Validate checks the account's fields.
func (a Account) Validate() error {
	if err := ValidateAccountName(a.Name); err != nil {
		return err
	}
	if !a.Role.Valid() {
		return Errorf(EINVALID, "unknown role %q", a.Role)
	}
	return nil
}

// ValidatePassword applies the password policy.
func ValidatePassword(pw string) error {
	if !utf8.ValidString(pw) {
		return Errorf(EINVALID, "password is not valid UTF-8")
	}
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return Errorf(EINVALID, "password too short: at least %d characters", MinPasswordLen)
	}
	if n > MaxPasswordLen {
		return Errorf(EINVALID, "password too long: at most %d characters", MaxPasswordLen)
	}
	return nil
}

// PasswordHasher hashes and checks passwords (argon2id in store).
type PasswordHasher interface {
	Hash(pw string) (string, error)
	// Check reports whether pw matches the encoded hash.
	Check(encoded, pw string) (bool, error)
}

// AccountStore keeps accounts. Create returns ECONFLICT for a taken name;
// ByName returns ENOTFOUND.
type AccountStore interface {
	CreateAccount(ctx context.Context, actor string, a Account, passwordHash string) (Account, error)
	AccountByName(ctx context.Context, name string) (Account, string, error)
	ListAccounts(ctx context.Context) ([]Account, error)
}
