package app

import (
	"context"
	"fmt"
	"time"

	"synthreview/app/intake"
	"synthreview/review"
	"synthreview/ui"
)

// cmdGUI opens the workstation window on a workspace.
func cmdGUI(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("gui")
	ws := c.workspaceFlag(fs)
	idle := fs.Duration("lock-after", ui.DefaultIdleLock, "lock the screen after this long without activity (0: never)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *idle < 0 {
		return usageError{"--lock-after must not be negative"}
	}
	w, err := OpenWorkspace(ctx, c.dir(ws), false)
	if err != nil {
		return err
	}
	defer w.Close()
	if c.io.NewFyneApp == nil {
		return fmt.Errorf("no GUI driver in this build")
	}
	if err := ui.LoadTranslations(); err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	a := c.io.NewFyneApp()
	a.Settings().SetTheme(ui.Theme())
	win := ui.NewMainWindow(a, ui.Deps{Status: workspaceStatus{w}, Run: func(job func()) { go job() },
		Accounts: w.Accounts(), Desk: w.Desk(), IdleLock: *idle, Cases: w.Cases(), Registers: w.Registers(),
		Exporter: w.Exporter(), Dashboards: w.Dashboards(), Training: w.Training(), Quality: w.Quality(),
		GoldImport: w.GoldImporter()})
	// The inbox is watched while the workstation is open (issue 7).
	watchCtx, stopWatch := context.WithCancel(ctx)
	watched := make(chan error, 1)
	x, err := w.newIntake(ctx, func(s string) { fmt.Fprintln(c.io.Err, s) })
	if err != nil {
		stopWatch()
		return err
	}
	go func() {
		watched <- x.Watch(watchCtx, 5*time.Second, func(intake.Result, error) {
			w.reloadRules(watchCtx, x, func(s string) { fmt.Fprintln(c.io.Err, s) })
			if err := w.syncOutbox(watchCtx); err != nil {
				fmt.Fprintln(c.io.Err, describe(err))
			}
		})
	}()
	win.ShowAndRun()
	stopWatch()
	return <-watched
}

// workspaceStatus fills in the workspace folder the store does not know.
type workspaceStatus struct{ w *Workspace }

func (s workspaceStatus) Status(ctx context.Context) (st review.Status, err error) {
	st, err = s.w.DB.Status(ctx)
	st.Workspace = s.w.Dir
	return st, err
}
