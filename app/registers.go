package app

import (
	"time"

	"synthreview/review"
)

// Registers returns the workspace's consent and real-name registers and
// its personal-data requests (issue 9): the lists and the logged writes in
// the database, consent evidence read from objects/ within bounds, and
// pictures of it made safe to show by the desk's previewer.
func (w *Workspace) Registers() review.Registers {
	now := w.Now
	if now == nil {
		now = time.Now
	}
	return review.Registers{
		ConsentStore:  w.DB,
		RealNameStore: w.DB,
		PersonalStore: w.DB,
		Objects:       objectReader{store: w.Objects},
		Previews:      newPreviewer(w.Objects.Path),
		Now:           now,
	}
}
