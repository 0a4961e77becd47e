package report

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"synthreview/review"
)

// checkpointMessage is the text a checkpoint signature covers. It is
// store.CheckpointMessage, copied because ui/report must not import store;
// docs/audit-log.md documents it for auditors.
func checkpointMessage(seq int64, hash string) []byte {
	return fmt.Appendf(nil, "synthreview-checkpoint-v1\n%d\n%s\n", seq, hash)
}

// checkpointPayload is the payload of an audit.checkpoint event.
type checkpointPayload struct {
	HeadSeq    int64  `json:"head_seq"`
	HeadHash   string `json:"head_hash"`
	Signature  string `json:"signature"`
	CertSHA256 string `json:"cert_sha256"`
}

func eventHashOK(e ManifestEvent) bool {
	return review.EventHash(e.Seq, e.At, e.Actor, e.Kind, e.Subject, e.Payload, e.PrevHash) == e.Hash
}

// checkEventHashes recomputes the hash of every listed event (the period's,
// those after it, and the checkpoints') and returns how many it checked.
func checkEventHashes(m *Manifest) (int, error) {
	n := 0
	for _, list := range [][]ManifestEvent{m.Events, m.After} {
		for _, e := range list {
			if !eventHashOK(e) {
				return n, fmt.Errorf("event %d: the hash does not match the event's columns", e.Seq)
			}
			n++
		}
	}
	for _, c := range m.Checkpoints {
		if !eventHashOK(c.Event) {
			return n, fmt.Errorf("checkpoint event %d: the hash does not match the event's columns", c.Event.Seq)
		}
		n++
	}
	return n, nil
}

// listed is the events of the period followed by those after it.
type listed struct{ ev []ManifestEvent }

func listEvents(m *Manifest) listed {
	ev := make([]ManifestEvent, 0, len(m.Events)+len(m.After))
	ev = append(ev, m.Events...)
	ev = append(ev, m.After...)
	return listed{ev}
}

// at returns the listed event with sequence number seq, if listed. The
// list is checked to be consecutive before this is used.
func (l listed) at(seq int64) (ManifestEvent, bool) {
	if len(l.ev) == 0 {
		return ManifestEvent{}, false
	}
	i := seq - l.ev[0].Seq
	if i < 0 || i >= int64(len(l.ev)) {
		return ManifestEvent{}, false
	}
	return l.ev[i], true
}

// checkChain checks that the period's events and those after it follow
// one another without a gap, each naming the one before it, and end at the
// head the cover names.
func checkChain(m *Manifest, l listed) error {
	if len(l.ev) == 0 {
		if m.Head.Seq == 0 && (m.Head.Hash == "" || m.Head.Hash == review.GenesisHash) {
			return nil
		}
		return fmt.Errorf("no events are listed, so nothing links to the head (seq %d)", m.Head.Seq)
	}
	first := l.ev[0]
	if first.Seq < 1 {
		return fmt.Errorf("event %d: sequence numbers start at 1", first.Seq)
	}
	if first.Seq == 1 && first.PrevHash != review.GenesisHash {
		return fmt.Errorf("event 1: prev_hash is not the genesis hash")
	}
	for i := 1; i < len(l.ev); i++ {
		prev, e := l.ev[i-1], l.ev[i]
		if e.Seq != prev.Seq+1 {
			return fmt.Errorf("event %d follows event %d: the list has a gap", e.Seq, prev.Seq)
		}
		if e.PrevHash != prev.Hash {
			return fmt.Errorf("event %d: prev_hash is not the hash of event %d", e.Seq, prev.Seq)
		}
	}
	last := l.ev[len(l.ev)-1]
	if last.Seq != m.Head.Seq || last.Hash != m.Head.Hash {
		return fmt.Errorf("the last listed event (seq %d) is not the head the cover names (seq %d)", last.Seq, m.Head.Seq)
	}
	return nil
}

// checkCheckpoints checks each embedded checkpoint: it is an
// audit.checkpoint event, its certificate is embedded and matches the
// fingerprint it names, its signature over the head it names verifies, it
// signs a head before itself, and that head agrees with the listed events
// when they reach it. The chain must have been checked first.
func checkCheckpoints(m *Manifest, l listed) error {
	for _, c := range m.Checkpoints {
		e := c.Event
		if e.Kind != "audit.checkpoint" {
			return fmt.Errorf("checkpoint event %d is of kind %q, not audit.checkpoint", e.Seq, e.Kind)
		}
		var p checkpointPayload
		if err := json.Unmarshal([]byte(e.Payload), &p); err != nil {
			return fmt.Errorf("checkpoint event %d: payload: %v", e.Seq, err)
		}
		if p.HeadSeq < 0 || p.HeadSeq >= e.Seq {
			return fmt.Errorf("checkpoint event %d signs head %d, which is not before it", e.Seq, p.HeadSeq)
		}
		if c.Certificate == "" {
			return fmt.Errorf("checkpoint event %d: its certificate (SHA-256 %s) is not in the package", e.Seq, p.CertSHA256)
		}
		der, err := base64.StdEncoding.DecodeString(c.Certificate)
		if err != nil {
			return fmt.Errorf("checkpoint event %d: certificate: %v", e.Seq, err)
		}
		sum := sha256.Sum256(der)
		if hex.EncodeToString(sum[:]) != p.CertSHA256 {
			return fmt.Errorf("checkpoint event %d: the embedded certificate is not the one it names", e.Seq)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return fmt.Errorf("checkpoint event %d: certificate: %v", e.Seq, err)
		}
		sig, err := base64.StdEncoding.DecodeString(p.Signature)
		if err != nil {
			return fmt.Errorf("checkpoint event %d: signature: %v", e.Seq, err)
		}
		if !checkpointSigOK(cert, checkpointMessage(p.HeadSeq, p.HeadHash), sig) {
			return fmt.Errorf("checkpoint event %d: the signature over head %d does not verify", e.Seq, p.HeadSeq)
		}
		if p.HeadSeq == 0 && p.HeadHash != review.GenesisHash {
			return fmt.Errorf("checkpoint event %d signs head 0 with a hash other than the genesis hash", e.Seq)
		}
		if h, ok := l.at(p.HeadSeq); ok && h.Hash != p.HeadHash {
			return fmt.Errorf("checkpoint event %d signs head %d with a hash other than the listed event's", e.Seq, p.HeadSeq)
		}
		if len(l.ev) > 0 && p.HeadSeq == l.ev[0].Seq-1 && l.ev[0].PrevHash != p.HeadHash {
			return fmt.Errorf("checkpoint event %d signs head %d with a hash other than event %d's prev_hash", e.Seq, p.HeadSeq, l.ev[0].Seq)
		}
		if le, ok := l.at(e.Seq); ok && le.Hash != e.Hash {
			return fmt.Errorf("checkpoint event %d differs from the listed event %d", e.Seq, e.Seq)
		}
	}
	return nil
}

// checkpointSigOK verifies a checkpoint signature: SHA-256 over msg, ASN.1
// ECDSA (the workspace key) or PKCS #1 v1.5 RSA (an imported company key).
func checkpointSigOK(cert *x509.Certificate, msg, sig []byte) bool {
	for _, alg := range []x509.SignatureAlgorithm{x509.ECDSAWithSHA256, x509.SHA256WithRSA} {
		if cert.CheckSignature(alg, msg, sig) == nil {
			return true
		}
	}
	return false
}
