package review

import (
	"context"
	"time"
)

// Exporter makes signed audit packages (issue 10) for the export screen.
// ExportAudit first checks Require(actor, ActExportAudit) (EFORBIDDEN for
// everyone but managers and admins). from and to are the first and last
// day of the period, both included: only their calendar dates count,
// read in the workspace's time zone. lang is "zh" or "en". out is the PDF
// file to write; "" lets the exporter name one in the workspace's exports
// folder. It returns the path written and the file's SHA-256 (hex), which
// the export's audit event also holds. EINVALID for a reversed period, an
// unknown language or an unusable path; a cancelled ctx stops it before
// anything is written and returns ctx's error. progress is called from
// the exporting goroutine with done out of total.
type Exporter interface {
	ExportAudit(ctx context.Context, actor Account, from, to time.Time, lang, out string,
		progress func(done, total int)) (path string, sha256 string, err error)
}
