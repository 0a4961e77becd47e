//go:build linux

package store

import (
	"strings"
	"syscall"

	"synthreview/review"
)

// Magic numbers of network file systems (statfs(2), linux/magic.h).
var networkFS = map[int64]string{
	0x6969:     "NFS",
	0x517B:     "SMB",
	0xFF534D42: "CIFS",
	0xFE534D42: "SMB2",
	0x65735546: "FUSE (possibly sshfs or another network file system)",
	0x564c:     "NCP",
	0x6B414653: "AFS",
	0x5346414F: "OpenAFS",
	0x01021997: "9P",
	0x47504653: "GPFS",
	0x19830326: "FhGFS/BeeGFS",
	0x0BD00BD0: "Lustre",
	0x00C36400: "CephFS",
}

// refuseNetworkFS refuses a workspace on a network file system: SQLite's
// locking is unreliable there and WAL needs shared memory on one host.
func refuseNetworkFS(dir string) error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return nil // the open that follows reports a missing folder better
	}
	if name, ok := networkFS[int64(st.Type)]; ok && refused(name) {
		return review.Errorf(review.EINVALID,
			"%s is on a network file system (%s): a SynthReview workspace must live on a local disk, because SQLite cannot lock a database safely over a network", dir, name)
	}
	return nil
}

// refused exempts FUSE, which also serves local file systems: only the
// clear network cases are refused.
func refused(name string) bool { return !strings.HasPrefix(name, "FUSE") }
