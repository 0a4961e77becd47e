package app

import (
	"context"
	"fmt"
	"time"

	"synthreview/app/markcmd"
	"synthreview/marking/watermark"
	"synthreview/review"
)

// markSetup gives `mark` its watermark key and, with --workspace, signs in
// the acting user and records the marking in the workspace's log (design.md:
// `mark --workspace DIR` acts for the workspace and takes --as).
func (c *cli) markSetup() markcmd.Setup {
	return func(ctx context.Context, ws, as string, wantKey bool) (*watermark.Key, markcmd.Recorder, func(), error) {
		if ws == "" {
			dir, err := userKeyDir()
			if err != nil {
				return nil, nil, nil, err
			}
			ring, err := ensureKeyring(dir, time.Now())
			if err != nil {
				return nil, nil, nil, fmt.Errorf("watermark key in %s: %w", dir, err)
			}
			k, ok := ring.Current()
			if !ok {
				return nil, nil, nil, fmt.Errorf("watermark keyring in %s has no key", dir)
			}
			return &k, nil, func() {}, nil
		}
		w, err := OpenWorkspace(ctx, ws, false)
		if err != nil {
			return nil, nil, nil, err
		}
		acct, err := c.signIn(ctx, w, newPasswords(c.io.In, c.io.Err), as)
		if err == nil {
			// Writing marks is part of deciding (approve and relabel).
			err = review.Require(acct, review.ActClaim)
		}
		if err != nil {
			w.Close()
			return nil, nil, nil, err
		}
		var key *watermark.Key
		if wantKey {
			ring, err := ensureKeyring(w.keysDir(), w.Now())
			if err != nil {
				w.Close()
				return nil, nil, nil, err
			}
			k, _ := ring.Current()
			key = &k
		}
		record := func(r markcmd.Result) error {
			if r.Watermark != nil {
				if err := w.DB.PutWatermarkDigest(ctx, r.Watermark.PayloadDigest, r.Label["ProduceID"]); err != nil {
					return err
				}
			}
			payload := map[string]any{"produce_id": r.Label["ProduceID"], "label": r.Label["Label"], "action": r.Action,
				"format": r.Format, "output_sha256": r.SHA256, "visible": r.Visible != nil, "watermark": r.Watermark != nil}
			_, err := w.DB.AppendEvent(ctx, acct.Name, "mark.written", "produce:"+r.Label["ProduceID"], payload)
			return err
		}
		return key, record, func() { w.Close() }, nil
	}
}
