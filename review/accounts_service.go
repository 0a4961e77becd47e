package review

import (
	"context"
	"errors"
)

// Accounts is the account service: it checks roles and the password policy
// before anything reaches the store.
type Accounts struct {
	Store  AccountStore
	Hasher PasswordHasher
}

// ErrBadCredentials is returned for an unknown name or a wrong password
// alike, so sign-in does not reveal which names exist.
var ErrBadCredentials = &Error{Code: EFORBIDDEN, Message: "wrong account name or password"}

// Authenticate returns the account when name and password match and the
// account is active.
func (s Accounts) Authenticate(ctx context.Context, name, pw string) (Account, error) {
	a, hash, err := s.Store.AccountByName(ctx, name)
	if ErrorCode(err) == ENOTFOUND {
		// Spend the same time as a real check.
		_, _ = s.Hasher.Check("$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", pw)
		return Account{}, ErrBadCredentials
	} else if err != nil {
		return Account{}, err
	}
	ok, err := s.Hasher.Check(hash, pw)
	if err != nil {
		return Account{}, err
	}
	if !ok {
		return Account{}, ErrBadCredentials
	}
	if a.Disabled {
		return Account{}, Errorf(EFORBIDDEN, "account %q is disabled", name)
	}
	return a, nil
}

// Add creates an account for actor, who must be allowed to manage accounts.
func (s Accounts) Add(ctx context.Context, actor Account, name string, role Role, pw string) (Account, error) {
	if err := Require(actor, ActManageAccounts); err != nil {
		return Account{}, err
	}
	return s.create(ctx, actor.Name, name, role, pw)
}

// Bootstrap creates the first admin of a new workspace; it refuses once any
// account exists.
func (s Accounts) Bootstrap(ctx context.Context, name, pw string) (Account, error) {
	list, err := s.Store.ListAccounts(ctx)
	if err != nil {
		return Account{}, err
	}
	if len(list) > 0 {
		return Account{}, Errorf(ECONFLICT, "the workspace already has accounts; an admin adds more with `user add`")
	}
	return s.create(ctx, "system", name, RoleAdmin, pw)
}

func (s Accounts) create(ctx context.Context, actor, name string, role Role, pw string) (Account, error) {
	a := Account{Name: name, Role: role}
	if err := a.Validate(); err != nil {
		return Account{}, err
	}
	if err := ValidatePassword(pw); err != nil {
		return Account{}, err
	}
	hash, err := s.Hasher.Hash(pw)
	if err != nil {
		return Account{}, errors.Join(Errorf(EINTERNAL, "hash password"), err)
	}
	return s.Store.CreateAccount(ctx, actor, a, hash)
}
