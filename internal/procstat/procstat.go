// Package procstat reads what Linux's /proc says about processes on this
// machine: their CPU time, which processes go by a name, and which process
// holds a TCP connection. The load tool uses it to say where the CPU went
// (huamu, PostgreSQL, Redis, the SMSC simulator) while it drove the exchange.
package procstat

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// CPU is the CPU time pid has used, user and system, including its children
// that have ended and been waited for (a PostgreSQL backend that exits
// during a run is counted in the postmaster's).
func CPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: fields count from
	// after its closing parenthesis, where field 3 (state) begins.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 15 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f)+2)
	}
	var ticks int64
	for _, k := range f[11:15] { // utime, stime, cutime, cstime: fields 14 to 17
		n, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// ByName returns the processes whose command name (/proc/PID/comm) is name,
// e.g. "postgres" for the postmaster and every backend.
func ByName(name string) []int {
	var out []int
	for _, pid := range pids() {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if err == nil && strings.TrimSpace(string(b)) == name {
			out = append(out, pid)
		}
	}
	return out
}

// Snapshot is the CPU time of a set of processes at one moment.
type Snapshot map[int]time.Duration

// Take reads the CPU time of each of pids; processes that have gone are
// left out.
func Take(pids []int) Snapshot {
	s := Snapshot{}
	for _, p := range pids {
		if d, err := CPU(p); err == nil {
			s[p] = d
		}
	}
	return s
}

// Since is the CPU time used between before and s: by the processes in
// both, and all of it for processes that started in between.
func (s Snapshot) Since(before Snapshot) time.Duration {
	var d time.Duration
	for p, now := range s {
		d += now - before[p]
	}
	return d
}

// SocketOwners maps each address to the process holding a TCP socket whose
// local end is that address ("127.0.0.1:43210", as the other end sees it).
// Addresses no visible process holds are left out.
func SocketOwners(addrs []string) map[string]int {
	inodes := map[string]string{} // socket inode → address
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 10 || fields[0] == "sl" {
				continue
			}
			local, err := parseProcAddr(fields[1])
			if err != nil {
				continue
			}
			for _, a := range addrs {
				if sameAddr(a, local) {
					inodes[fields[9]] = a
				}
			}
		}
		f.Close()
	}
	out := map[string]int{}
	if len(inodes) == 0 {
		return out
	}
	for _, pid := range pids() {
		fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
		for _, fd := range fds {
			l, err := os.Readlink(fd)
			if err != nil || !strings.HasPrefix(l, "socket:[") {
				continue
			}
			if a, ok := inodes[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")]; ok {
				out[a] = pid
			}
		}
	}
	return out
}

// parseProcAddr reads /proc/net/tcp's "0100007F:A8B0": the address in
// host byte order, 32 bits at a time, and the port.
func parseProcAddr(s string) (*net.TCPAddr, error) {
	h, p, ok := strings.Cut(s, ":")
	if !ok {
		return nil, fmt.Errorf("address %q", s)
	}
	raw, err := hex.DecodeString(h)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return nil, fmt.Errorf("address %q", s)
	}
	for i := 0; i < len(raw); i += 4 { // each 32-bit word is little-endian on the machines we run on
		raw[i], raw[i+1], raw[i+2], raw[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return nil, fmt.Errorf("port %q", p)
	}
	return &net.TCPAddr{IP: net.IP(raw), Port: int(port)}, nil
}

func sameAddr(a string, b *net.TCPAddr) bool {
	ta, err := net.ResolveTCPAddr("tcp", a)
	return err == nil && ta.Port == b.Port && ta.IP.Equal(b.IP)
}

func pids() []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			out = append(out, n)
		}
	}
	return out
}
