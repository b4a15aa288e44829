package procstat_test

import (
	"net"
	"os"
	"testing"
	"time"

	"huamu/internal/procstat"
)

// The process holding a connection is found from the address the other end
// sees, and its CPU time grows with work it does.
func TestSocketOwners_FindsThisProcessByItsConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	srv, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	remote := srv.RemoteAddr().String() // the dialler's end, as the listener sees it
	owners := procstat.SocketOwners([]string{remote, "127.0.0.1:1"})
	if owners[remote] != os.Getpid() {
		t.Fatalf("owner of %s: %d, want this process %d (%v)", remote, owners[remote], os.Getpid(), owners)
	}
	if _, ok := owners["127.0.0.1:1"]; ok {
		t.Fatal("an address nobody holds was given an owner")
	}
}

func TestCPU_GrowsWithWork(t *testing.T) {
	before := procstat.Take([]int{os.Getpid()})
	deadline := time.Now().Add(300 * time.Millisecond)
	x := 0
	for time.Now().Before(deadline) {
		x++
	}
	after := procstat.Take([]int{os.Getpid()})
	if d := after.Since(before); d <= 0 {
		t.Fatalf("CPU time did not grow over 300 ms of busy work (%d loops): %v", x, d)
	}
}

func TestByName_FindsNothingForANameNoProcessHas(t *testing.T) {
	if p := procstat.ByName("no-such-process-name-huamu"); len(p) != 0 {
		t.Fatalf("found %v", p)
	}
}
