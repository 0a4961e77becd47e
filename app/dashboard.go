package app

import (
	"time"

	"synthreview/review"
)

// Dashboards returns the manager's dashboard (issue 9) over the
// workspace's database, on the workspace's clock, with days starting at
// midnight in the workspace's time zone (the time_zone setting; the
// machine's when unset), read at every refresh.
func (w *Workspace) Dashboards() review.Dashboards {
	return review.Dashboards{Store: w.DB, Now: w.Now, Loc: time.Local, Zone: w.Zone}
}
