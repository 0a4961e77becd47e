package app

import "synthreview/review"

// Training returns the workspace's training service (issue 11): gold
// sets, training sessions with instant feedback, scores, certification
// gates and certifications, kept in the database. The desk (w.Desk)
// enforces the gates on every claim.
func (w *Workspace) Training() review.Training {
	return review.Training{Store: w.DB, Now: w.Now, Zone: w.Zone, Objects: objectReader{store: w.Objects},
		Previews: newPreviewer(w.Objects.Path)}
}
