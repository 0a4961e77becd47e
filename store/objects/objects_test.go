package objects_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"synthreview/store/objects"
)

func TestPutIsContentAddressedAndIdempotent(t *testing.T) {
	s := objects.Store{Dir: t.TempDir()}
	sum, n, err := s.Put(strings.NewReader("hello"), 100)
	if err != nil || n != 5 || sum != "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" {
		t.Fatalf("%s %d %v", sum, n, err)
	}
	again, _, err := s.Put(strings.NewReader("hello"), 100)
	if err != nil || again != sum || !s.Has(sum) {
		t.Fatal("second put differs")
	}
	if ok, _ := s.Verify(sum); !ok {
		t.Fatal("verify failed")
	}
	if st, _ := os.Stat(s.Path(sum)); st.Mode().Perm()&0o222 != 0 {
		t.Fatal("objects must be read-only")
	}
}

func TestPutRefusesOversizedInputAndLeavesNothing(t *testing.T) {
	s := objects.Store{Dir: t.TempDir()}
	_, _, err := s.Put(bytes.NewReader(make([]byte, 101)), 100)
	if !errors.Is(err, objects.ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
	entries, _ := os.ReadDir(s.Dir)
	if len(entries) != 0 {
		t.Fatalf("left %d entries behind", len(entries))
	}
}
