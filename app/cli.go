// Package app wires SynthReview together: it opens workspaces, builds the
// services, runs the command line (one function per command) and starts
// the GUI. Only main imports it.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"

	"fyne.io/fyne/v2"

	"synthreview/app/markcmd"
	"synthreview/app/scancmd"
	"synthreview/review"
)

// IO is the command line's standard streams.
type IO struct {
	In          io.Reader
	Out, Err    io.Writer
	NewFyneApp  func() fyne.App // created only by the gui command
	Environment func(string) string
}

// Main runs the command line with args (without the program name) and
// returns the exit status: 0 success, 1 failure, 2 usage error.
func Main(args []string, newApp func() fyne.App) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, args, IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, NewFyneApp: newApp, Environment: os.Getenv})
}

type command struct {
	name, usage, summary string
	run                  func(ctx context.Context, c *cli, args []string) error
}

type cli struct {
	io IO
}

// usageError makes the command exit 2 with its usage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

var commands []command

func init() {
	commands = []command{
		{"gui", "gui [--workspace DIR] [--lock-after 5m]", "open the workstation (the default with no command)", cmdGUI},
		{"init", "init --workspace DIR --as ADMIN", "create an empty workspace and its first admin (password read twice)", cmdInit},
		{"demo", "demo --workspace DIR", "create a workspace filled with demo content", cmdDemo},
		{"status", "status [--workspace DIR] [--json]", "counts of items, states, intake errors, events and the chain head", cmdStatus},
		{"scan", "scan [--json] [--fast] [--workspace DIR] PATH...", "report every mark in files or folders", nil},
		{"ingest", "ingest [--workspace DIR] PATH...", "take files with sidecars into the workspace, as the watcher does", cmdIngest},
		{"watch", "watch [--workspace DIR]", "run the inbox watcher without the GUI", cmdWatch},
		{"import", "import --as ADMIN --kind KIND FILE", "import a registry: provider, services, assessments, realname or consent (docs/imports.md)", cmdImport},
		{"consent", "consent withdraw --as MANAGER ID", "withdraw a consent record; decided items that relied on it are re-opened", cmdConsent},
		{"mark", "mark --produce-id ID --producer CODE [--label 1] [--visible TEXT] [--position br] [--propagator CODE --propagate-id ID] [--json] IN OUT", "write the implicit (and a visible) label into a copy; never weakens a label", nil},
		{"rules", "rules status | rules approve --as MANAGER", "show the rules in force; approve the workspace's changed rules folder (docs/rules.md)", cmdRules},
		{"bank", "bank propose|approve|reject|publish --as USER ...", "feature library: propose an entry (reviewers), approve or reject it and publish a new bank version (managers)", cmdBank},
		{"keys", "keys rotate-watermark --as ADMIN | keys import-cert --p12 FILE --as ADMIN", "rotate the workspace's watermark key (earlier keys keep being tried); sign packages with a company certificate", cmdKeys},
		{"export", "export --as USER --kind audit --from YYYY-MM-DD --to YYYY-MM-DD -o F.pdf [--lang zh|en] [--max-pages N] | export --as USER --kind assessment [--reviewer NAME] -o F.pdf", "signed PDF audit package of a period (managers and admins), or a reviewer's or the team's training assessment (trainers and managers)", cmdExport},
		{"verify", "verify [--trust CERTS.pem] F.pdf", "check an exported package's signature, manifest and event chain", cmdVerify},
		{"audit", "audit verify|checkpoint [--workspace DIR] [--as USER]", "check the event log's hash chain, or sign its head", cmdAudit},
		{"user", "user add --as ADMIN --role ROLE NAME | user list", "manage accounts", cmdUser},
		{"gold", "gold import --as TRAINER --set ID_OR_NAME --expected OUTCOME [--reasons a,b] --explanation TEXT [--sidecar FILE.json] [--category CAT] FILE", "make a gold item of a file that is not live work: stored, scanned and judged by the rules as intake would (trainers)", cmdGold},
		{"settings", "settings show | settings set --as USER KEY VALUE", "the complaint time limit, the personal-data retention period and the time zone (admins); the shares and window of hidden gold and calibration (trainers)", cmdSettings},
		{"backup", "backup [--workspace DIR] -o DEST", "consistent copy of a live workspace", cmdBackup},
		{"restore", "restore --workspace NEWDIR BACKUP", "restore a backup into a new workspace and verify it", cmdRestore},
		{"personal", "personal erase --as USER PERSON_ID", "delete a person's personal data (PIPL Art. 47); the audit chain keeps verifying", cmdPersonal},
	}
}

// Run executes one command line.
func Run(ctx context.Context, args []string, sio IO) int {
	if sio.Environment == nil {
		sio.Environment = os.Getenv
	}
	c := &cli{io: sio}
	name := "gui"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	switch name {
	case "help", "-h", "--help":
		c.usage(sio.Out)
		return 0
	case "scan":
		return scancmd.Run(ctx, args, sio.Out, sio.Err, scanSetup(ctx))
	case "mark":
		return markcmd.Run(ctx, args, sio.In, sio.Out, sio.Err, c.markSetup())
	}
	for _, cmd := range commands {
		if cmd.name != name || cmd.run == nil {
			continue
		}
		err := cmd.run(ctx, c, args)
		var ue usageError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(sio.Err, "synthreview %s: %s\nusage: synthreview %s\n", name, ue.msg, cmd.usage)
			return 2
		default:
			fmt.Fprintf(sio.Err, "synthreview %s: %s\n", name, describe(err))
			return 1
		}
	}
	fmt.Fprintf(sio.Err, "synthreview: unknown command %q\n", name)
	c.usage(sio.Err)
	return 2
}

// describe words an error for the terminal: domain errors by their message,
// anything else in full (the command line is for operators).
func describe(err error) string {
	var ce *review.ChainError
	if errors.As(err, &ce) {
		return "audit chain broken at event " + fmt.Sprint(ce.Seq) + ": " + ce.Reason
	}
	var re *review.Error
	if errors.As(err, &re) {
		return re.Message
	}
	return err.Error()
}

func (c *cli) usage(w io.Writer) {
	fmt.Fprintln(w, "SynthReview — review workstation for AI-generated content (GB 45438-2025, Deep Synthesis Provisions)")
	fmt.Fprintln(w, "\nusage: synthreview COMMAND [flags]")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, cmd := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", cmd.usage, cmd.summary)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nPasswords are read from the terminal, or one per line from standard input when it is not a terminal.")
}

// flags makes a flag set whose errors go to stderr.
func (c *cli) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.io.Err)
	return fs
}

// parse parses flags that may stand before or after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// defaultWorkspace is $XDG_DATA_HOME/synthreview (design.md).
func (c *cli) defaultWorkspace() string {
	if d := c.io.Environment("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "synthreview")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "synthreview"
	}
	return filepath.Join(home, ".local", "share", "synthreview")
}

func (c *cli) workspaceFlag(fs *flag.FlagSet) *string {
	return fs.String("workspace", "", "workspace folder (default $XDG_DATA_HOME/synthreview)")
}

func (c *cli) dir(p *string) string {
	if *p == "" {
		return c.defaultWorkspace()
	}
	return *p
}

// signIn reads the password of the account named by --as and checks it.
func (c *cli) signIn(ctx context.Context, w *Workspace, pw *passwords, name string) (review.Account, error) {
	if name == "" {
		return review.Account{}, usageError{"--as USER is required: this command acts for a person"}
	}
	p, err := pw.read(fmt.Sprintf("Password for %s: ", name))
	if err != nil {
		return review.Account{}, err
	}
	return w.Accounts().Authenticate(ctx, name, p)
}

// actAs opens the workspace for writing and signs in the account named by
// --as with a password read through pw, checking that its role allows act
// (design.md, "Who is acting"). The caller closes the workspace.
func (c *cli) actAs(ctx context.Context, pw *passwords, dir, as string, act review.Action) (*Workspace, review.Account, error) {
	w, err := OpenWorkspace(ctx, dir, false)
	if err != nil {
		return nil, review.Account{}, err
	}
	actor, err := c.signIn(ctx, w, pw, as)
	if err == nil {
		err = review.Require(actor, act)
	}
	if err != nil {
		w.Close()
		return nil, review.Account{}, err
	}
	return w, actor, nil
}

func cmdInit(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("init")
	ws := c.workspaceFlag(fs)
	as := fs.String("as", "", "name of the first admin account")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *as == "" {
		return usageError{"--as ADMIN names the first admin account"}
	}
	if err := review.ValidateAccountName(*as); err != nil {
		return err
	}
	pw, err := newPasswords(c.io.In, c.io.Err).readNew(*as)
	if err != nil {
		return err
	}
	dir := c.dir(ws)
	w, err := CreateWorkspace(ctx, dir)
	if err != nil {
		return err
	}
	defer w.Close()
	if _, err := w.Accounts().Bootstrap(ctx, *as, pw); err != nil {
		return err
	}
	if _, err := w.Checkpoint(ctx, "system"); err != nil {
		return err
	}
	fmt.Fprintf(c.io.Out, "created workspace %s with admin %q\n", dir, *as)
	return nil
}

func cmdStatus(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("status")
	ws := c.workspaceFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	w, err := OpenWorkspace(ctx, c.dir(ws), true)
	if err != nil {
		return err
	}
	defer w.Close()
	st, err := w.DB.Status(ctx)
	if err != nil {
		return err
	}
	st.Workspace = w.Dir
	if *asJSON {
		return json.NewEncoder(c.io.Out).Encode(st)
	}
	fmt.Fprintf(c.io.Out, "workspace      %s\nitems          %d\n", st.Workspace, st.Items)
	for _, s := range review.States {
		fmt.Fprintf(c.io.Out, "  %-12s %d\n", s, st.ByState[s])
	}
	fmt.Fprintf(c.io.Out, "outbox         %d unacknowledged (%d older than %s)\n", st.OutboxUnacked, st.OutboxOverdue, review.OutboxAckLimit)
	fmt.Fprintf(c.io.Out, "intake errors  %d\naccounts       %d\ncomplaints     %d\nconsents       %d\nevents         %d\nchain head     %s\nlast checkpoint %s\n",
		st.IntakeErrors, st.Accounts, st.Complaints, st.Consents, st.Events, st.ChainHead, st.LastCheckpoint)
	return nil
}

func cmdAudit(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 {
		return usageError{"say verify or checkpoint"}
	}
	sub, args := args[0], args[1:]
	fs := c.flags("audit " + sub)
	ws := c.workspaceFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	as := fs.String("as", "", "account signing the checkpoint (manager or admin)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	switch sub {
	case "verify":
		w, err := OpenWorkspace(ctx, c.dir(ws), true)
		if err != nil {
			return err
		}
		defer w.Close()
		r, err := VerifyAudit(ctx, w, nil)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(c.io.Out).Encode(r)
		}
		fmt.Fprintf(c.io.Out, "audit chain OK: %d events, head %s, %d signed checkpoints", r.Events, r.Head, r.Checkpoints)
		if r.Unverifiable > 0 {
			fmt.Fprintf(c.io.Out, " (%d signed by an earlier key, not checked)", r.Unverifiable)
		}
		fmt.Fprintln(c.io.Out)
		return nil
	case "checkpoint":
		w, acct, err := c.actAs(ctx, newPasswords(c.io.In, c.io.Err), c.dir(ws), *as, review.ActCheckpoint)
		if err != nil {
			return err
		}
		defer w.Close()
		cp, err := w.Checkpoint(ctx, acct.Name)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.io.Out, "signed chain head %d %s (certificate %s)\n", cp.HeadSeq, cp.HeadHash, cp.CertSHA256)
		return nil
	}
	return usageError{fmt.Sprintf("unknown audit command %q", sub)}
}

func cmdUser(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 {
		return usageError{"say add or list"}
	}
	sub, args := args[0], args[1:]
	fs := c.flags("user " + sub)
	ws := c.workspaceFlag(fs)
	as := fs.String("as", "", "admin acting")
	role := fs.String("role", "", "role: "+rolesList())
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch sub {
	case "list":
		w, err := OpenWorkspace(ctx, c.dir(ws), true)
		if err != nil {
			return err
		}
		defer w.Close()
		list, err := w.DB.ListAccounts(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(c.io.Out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tSTATE\tCREATED")
		for _, a := range list {
			state := "active"
			if a.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.Name, a.Role, state, review.FormatTime(a.Created))
		}
		return tw.Flush()
	case "add":
		if len(pos) != 1 {
			return usageError{"name exactly one new account"}
		}
		if !review.Role(*role).Valid() {
			return usageError{fmt.Sprintf("--role must be one of %s", rolesList())}
		}
		pw := newPasswords(c.io.In, c.io.Err)
		w, actor, err := c.actAs(ctx, pw, c.dir(ws), *as, review.ActManageAccounts)
		if err != nil {
			return err
		}
		defer w.Close()
		if err := review.ValidateAccountName(pos[0]); err != nil {
			return err
		}
		p, err := pw.readNew(pos[0])
		if err != nil {
			return err
		}
		a, err := w.Accounts().Add(ctx, actor, pos[0], review.Role(*role), p)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.io.Out, "added %s %q\n", a.Role, a.Name)
		return nil
	}
	return usageError{fmt.Sprintf("unknown user command %q", sub)}
}

func rolesList() string {
	var s []string
	for _, r := range review.Roles {
		s = append(s, string(r))
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

func cmdPersonal(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 || args[0] != "erase" {
		return usageError{"say erase"}
	}
	fs := c.flags("personal erase")
	ws := c.workspaceFlag(fs)
	as := fs.String("as", "", "manager or admin acting")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"name exactly one person (platform user id or consent subject id)"}
	}
	w, actor, err := c.actAs(ctx, newPasswords(c.io.In, c.io.Err), c.dir(ws), *as, review.ActErasePersonal)
	if err != nil {
		return err
	}
	defer w.Close()
	counts, err := w.DB.ErasePersonal(ctx, actor.Name, pos[0])
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(c.io.Out, "erased personal data of %s:", pos[0])
	for _, k := range keys {
		fmt.Fprintf(c.io.Out, " %s=%d", k, counts[k])
	}
	fmt.Fprintln(c.io.Out)
	return nil
}
