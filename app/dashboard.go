package app

import (
	"time"

	"synthreview/review"
)

// Dashboards returns the manager's dashboard (issue 9) over the
// workspace's database, on the workspace's clock, with days starting at
// local midnight.
func (w *Workspace) Dashboards() review.Dashboards {
	return review.Dashboards{Store: w.DB, Now: w.Now, Loc: time.Local}
}
