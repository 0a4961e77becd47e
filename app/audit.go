package app

import (
	"context"
	"encoding/json"
	"fmt"

	"synthreview/review"
	"synthreview/store"
	"synthreview/store/keys"
)

// AuditResult is what `audit verify` found.
type AuditResult struct {
	Events      int64  `json:"events"`
	Head        string `json:"chain_head"`
	Checkpoints int    `json:"checkpoints"`
	// Unverifiable counts checkpoints signed by a certificate the workspace
	// no longer holds (after a key rotation).
	Unverifiable int `json:"checkpoints_unverifiable"`
}

// VerifyAudit recomputes the hash chain, then checks every signed
// checkpoint: its signature, and that the event it names still has the hash
// it signed. The error names the first bad event's sequence number.
func VerifyAudit(ctx context.Context, w *Workspace, progress func(done, total int64)) (AuditResult, error) {
	var r AuditResult
	n, head, err := w.DB.Verify(ctx, progress)
	r.Events, r.Head = n, head
	if err != nil {
		return r, err
	}
	cps, err := w.DB.Checkpoints(ctx)
	if err != nil {
		return r, err
	}
	signer, serr := keys.LoadSigner(w.keysDir())
	for _, e := range cps {
		var cp store.Checkpoint
		if err := json.Unmarshal([]byte(e.Payload), &cp); err != nil {
			return r, &review.ChainError{Seq: e.Seq, Reason: "checkpoint payload does not parse"}
		}
		r.Checkpoints++
		if cp.HeadSeq > 0 {
			h, err := w.DB.HashAt(ctx, cp.HeadSeq)
			if err != nil || h != cp.HeadHash {
				return r, &review.ChainError{Seq: cp.HeadSeq, Reason: fmt.Sprintf("differs from the head signed by checkpoint %d", e.Seq)}
			}
		}
		if serr != nil || signer.CertSHA256() != cp.CertSHA256 {
			r.Unverifiable++
			continue
		}
		if !keys.VerifyBase64(signer.Cert, store.CheckpointMessage(cp.HeadSeq, cp.HeadHash), cp.Signature) {
			return r, &review.ChainError{Seq: e.Seq, Reason: "checkpoint signature does not verify"}
		}
	}
	return r, nil
}
