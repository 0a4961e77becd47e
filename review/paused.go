package review

import (
	"cmp"
	"slices"
)

// Paused returns, for each reviewer and queue, the latest certification
// row when hidden gold revoked it (PausedFrom is not nil): the reviewers a
// trainer still has to re-certify. A pause followed by a new
// certification is over; a trainer's revocation is not a pause. The latest
// row is the one a claim is judged by (latest certified, then highest id).
// The result is sorted by RevokedAt, oldest pause first (then reviewer and
// queue, so equal times keep one order).
func Paused(certs []Certification) []Certification {
	type key struct{ reviewer, queue string }
	latest := map[key]Certification{}
	for _, c := range certs {
		k := key{c.Reviewer, c.Queue}
		if last, ok := latest[k]; !ok || c.CertifiedAt.After(last.CertifiedAt) ||
			(c.CertifiedAt.Equal(last.CertifiedAt) && c.ID > last.ID) {
			latest[k] = c
		}
	}
	var out []Certification
	for _, c := range latest {
		if PausedFrom(c) != nil {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Certification) int {
		return cmp.Or(a.RevokedAt.Compare(b.RevokedAt), cmp.Compare(a.Reviewer, b.Reviewer), cmp.Compare(a.Queue, b.Queue))
	})
	return out
}
