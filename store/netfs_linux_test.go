//go:build linux

package store

import "testing"

func TestEveryNetworkFileSystemNameIsJudged(t *testing.T) {
	for _, name := range networkFS {
		got := refused(name) // short names ("9P", "NFS") must not panic
		if want := name[:min(4, len(name))] != "FUSE"; got != want {
			t.Errorf("refused(%q) = %v", name, got)
		}
	}
	if err := refuseNetworkFS(t.TempDir()); err != nil {
		t.Errorf("a local temp folder was refused: %v", err)
	}
}
