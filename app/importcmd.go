package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"synthreview/app/imports"
	"synthreview/review"
)

// maxEvidence bounds one consent evidence file.
const maxEvidence = 64 << 20

func cmdImport(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("import")
	ws := c.workspaceFlag(fs)
	as := fs.String("as", "", "admin acting")
	kind := fs.String("kind", "", "provider, services, assessments, realname or consent")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *kind == "" {
		return usageError{"name --kind and exactly one file"}
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(f, imports.MaxFileBytes+1))
	f.Close()
	if err != nil {
		return fmt.Errorf("read %s: %w", pos[0], err)
	}
	w, actor, err := c.actAs(ctx, newPasswords(c.io.In, c.io.Err), c.dir(ws), *as, review.ActRunImport)
	if err != nil {
		return err
	}
	defer w.Close()
	b, err := imports.Parse(*kind, filepath.Base(pos[0]), data, w.DB.PersonalKey)
	if err != nil {
		return err
	}
	// Consent evidence files are stored by hash before the records that name them.
	for i, cs := range b.Consents {
		rel, ok := b.EvidenceFiles[cs.ID]
		if !ok {
			continue
		}
		p := filepath.Join(filepath.Dir(pos[0]), rel)
		ef, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("consent %s: evidence file: %w", cs.ID, err)
		}
		sum, _, err := w.Objects.Put(ef, maxEvidence)
		ef.Close()
		if err != nil {
			return fmt.Errorf("consent %s: evidence file %s: %w", cs.ID, p, err)
		}
		if cs.EvidenceSHA256 != "" && cs.EvidenceSHA256 != sum {
			return review.Errorf(review.EINVALID, "consent %s: evidence file %s has SHA-256 %s, the record says %s", cs.ID, rel, sum, cs.EvidenceSHA256)
		}
		b.Consents[i].EvidenceSHA256 = sum
	}
	id, err := w.DB.Import(ctx, actor.Name, b.ImportBatch)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.io.Out, "imported %d %s records from %s (SHA-256 %s) as import %d\n", b.Records(), *kind, pos[0], b.FileSHA256, id)
	return nil
}

func cmdConsent(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 || args[0] != "withdraw" {
		return usageError{"say withdraw"}
	}
	fs := c.flags("consent withdraw")
	ws := c.workspaceFlag(fs)
	as := fs.String("as", "", "manager acting")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"name one consent record"}
	}
	w, actor, err := c.actAs(ctx, newPasswords(c.io.In, c.io.Err), c.dir(ws), *as, review.ActWithdrawConsent)
	if err != nil {
		return err
	}
	defer w.Close()
	n, err := w.DB.WithdrawConsent(ctx, actor.Name, pos[0], time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(c.io.Out, "withdrew consent %s; %d decided items re-opened for review\n", pos[0], n)
	return nil
}
