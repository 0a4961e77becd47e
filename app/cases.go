package app

import "synthreview/review"

// Cases returns the workspace's complaint and appeal service (DSP Art.
// 12): cases in the database, due after the time limit the workspace
// publishes (review.ComplaintDaysKey, else review.DefaultComplaintDays),
// judged overdue at the workspace's clock. A reply's outbox file is
// written by the next outbox flush (syncOutbox), as a decision's is.
func (w *Workspace) Cases() review.Cases {
	return review.Cases{Store: w.DB, Now: w.Now}
}
