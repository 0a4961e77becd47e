package marking

import (
	"fmt"
	"strings"
)

const (
	ebmlSegment   = 0x18538067
	ebmlCluster   = 0x1F43B675
	ebmlTags      = 0x1254C367
	ebmlTag       = 0x7373
	ebmlSimpleTag = 0x67C8
	ebmlTagName   = 0x45A3
	ebmlTagString = 0x4487
	ebmlTagBinary = 0x4485
)

// ebmlVint reads an EBML variable-length integer; keepMarker keeps the
// length-marker bit (element IDs). It returns the value, its length and
// whether every value bit is set (an unknown size).
func ebmlVint(b []byte, keepMarker bool) (uint64, int, bool, bool) {
	if len(b) == 0 || b[0] == 0 {
		return 0, 0, false, false
	}
	n := 1
	for mask := byte(0x80); b[0]&mask == 0; mask >>= 1 {
		n++
	}
	if n > 8 || len(b) < n {
		return 0, 0, false, false
	}
	v := uint64(b[0])
	if !keepMarker {
		v &= uint64(0xFF >> n)
	}
	all := v == uint64(0xFF>>n)
	for i := 1; i < n; i++ {
		v = v<<8 | uint64(b[i])
		if b[i] != 0xFF {
			all = false
		}
	}
	return v, n, all && !keepMarker, true
}

// mkv walks a Matroska/WebM file for Tags › Tag › SimpleTag with TagName
// AIGC (requirements.md §3.4). Segment and Cluster are walked as transparent
// containers, so an unknown size (live streams) works: their children are
// read in sequence until the end of the file. Cluster payloads are skipped
// by their sizes.
func (s *scanner) mkv() {
	b := s.data
	off := 0
	for n := 0; off < len(b); n++ {
		if n > 1_000_000 {
			s.find(CodeFileMalformed, "mkv: more than a million elements")
			return
		}
		id, il, _, ok := ebmlVint(b[off:], true)
		if !ok {
			s.find(CodeFileMalformed, fmt.Sprintf("mkv: bad element ID at offset %d", off))
			return
		}
		size, sl, unknown, ok := ebmlVint(b[off+il:], false)
		if !ok {
			s.truncated(fmt.Sprintf("mkv: element size at offset %d", off))
			return
		}
		start := off + il + sl
		switch id {
		case ebmlSegment, ebmlCluster:
			off = start // transparent: read the children in sequence
			continue
		}
		end := len(b)
		if !unknown {
			if size > uint64(len(b)-start) {
				s.truncated(fmt.Sprintf("mkv: element 0x%X at offset %d declares %d bytes", id, off, size))
				if id != ebmlTags {
					return
				}
			} else {
				end = start + int(size)
			}
		} else if id != ebmlTags {
			// An unknown-sized element other than Segment/Cluster/Tags cannot
			// be skipped.
			s.find(CodeFileMalformed, fmt.Sprintf("mkv: element 0x%X at offset %d has an unknown size", id, off))
			return
		}
		if id == ebmlTags {
			s.mkvChildren(b[start:end], "mkv:Tags", 1)
		}
		off = end
	}
}

// mkvChildren walks Tag and SimpleTag elements inside Tags.
func (s *scanner) mkvChildren(b []byte, where string, depth int) {
	if depth > maxDepth {
		s.tooDeep(where)
		return
	}
	off := 0
	var name string
	var value []byte
	hasValue := false
	for n := 0; off < len(b) && n < 100000; n++ {
		id, il, _, ok := ebmlVint(b[off:], true)
		if !ok {
			if b[off] == 0 {
				return // padding
			}
			s.find(CodeFileMalformed, where+": bad element ID")
			return
		}
		size, sl, unknown, ok := ebmlVint(b[off+il:], false)
		if !ok {
			s.truncated(where + ": element size")
			return
		}
		start := off + il + sl
		end := len(b)
		if !unknown {
			if size > uint64(len(b)-start) {
				s.truncated(fmt.Sprintf("%s: element 0x%X declares %d bytes", where, id, size))
			} else {
				end = start + int(size)
			}
		}
		data := b[start:end]
		switch id {
		case ebmlTag:
			s.mkvChildren(data, "mkv:Tags:Tag", depth+1)
		case ebmlSimpleTag:
			s.mkvChildren(data, where+":SimpleTag", depth+1)
		case ebmlTagName:
			name = string(data)
		case ebmlTagString, ebmlTagBinary:
			value, hasValue = data, true
		}
		off = end
	}
	if strings.HasSuffix(where, "SimpleTag") && hasValue {
		loc := where + ":" + clip(name, 40)
		if strings.EqualFold(strings.TrimSpace(name), "AIGC") {
			s.addLabel(candidate{carrier: CarrierMKV, location: loc, named: true, payload: value})
		} else {
			s.otherField(CarrierMKV, loc, value, "label JSON in Matroska tag "+clip(name, 40)+", not AIGC")
		}
	}
}
