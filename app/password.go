package app

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"synthreview/review"
)

// passwords reads passwords from the terminal (without echo) or, when
// standard input is not a terminal, one per line from it — never from a
// flag (design.md, "Who is acting").
type passwords struct {
	in     io.Reader
	stderr io.Writer
	br     *bufio.Reader
}

func newPasswords(in io.Reader, stderr io.Writer) *passwords {
	return &passwords{in: in, stderr: stderr}
}

func (p *passwords) tty() (int, bool) {
	f, ok := p.in.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0, false
	}
	return int(f.Fd()), true
}

// read asks for one password.
func (p *passwords) read(prompt string) (string, error) {
	if fd, ok := p.tty(); ok {
		fmt.Fprint(p.stderr, prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(p.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	if p.br == nil {
		p.br = bufio.NewReaderSize(io.LimitReader(p.in, 64<<10), 4096)
	}
	line, err := p.br.ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return "", review.Errorf(review.EINVALID, "%s: no password on standard input (one password per line)", strings.TrimSpace(strings.TrimSuffix(prompt, ":")))
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// readNew asks for a new password twice and checks the policy.
func (p *passwords) readNew(who string) (string, error) {
	a, err := p.read(fmt.Sprintf("New password for %s: ", who))
	if err != nil {
		return "", err
	}
	if err := review.ValidatePassword(a); err != nil {
		return "", err
	}
	b, err := p.read(fmt.Sprintf("Repeat the password for %s: ", who))
	if err != nil {
		return "", err
	}
	if a != b {
		return "", review.Errorf(review.EINVALID, "the two passwords for %s differ", who)
	}
	return a, nil
}
