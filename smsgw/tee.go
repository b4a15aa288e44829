package smsgw

import (
	"encoding/binary"
	"net"
	"sync"
)

// teeConn wraps the bind's TCP connection and frames the bytes gosmpp reads,
// keeping the raw deliver_sm PDUs by sequence number so that the gateway can
// decode them itself (gosmpp loses the data_coding byte). gosmpp reads on
// one goroutine and calls OnAllPDU on the same one after a PDU is complete,
// so the raw bytes are always here before they are asked for.
type teeConn struct {
	net.Conn
	mu     sync.Mutex
	buf    []byte
	broken bool
	raw    map[uint32][]byte
}

const maxPDU = 64 << 10

func newTeeConn(c net.Conn) *teeConn { return &teeConn{Conn: c, raw: map[uint32][]byte{}} }

func (t *teeConn) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	if n > 0 {
		t.mu.Lock()
		t.feed(p[:n])
		t.mu.Unlock()
	}
	return n, err
}

func (t *teeConn) feed(p []byte) {
	if t.broken {
		return
	}
	t.buf = append(t.buf, p...)
	for len(t.buf) >= 16 {
		n := binary.BigEndian.Uint32(t.buf[0:4])
		if n < 16 || n > maxPDU {
			t.broken = true // gosmpp will fail on the same bytes and drop the link
			t.buf = nil
			return
		}
		if uint32(len(t.buf)) < n {
			return
		}
		pdu := t.buf[:n:n]
		if id := binary.BigEndian.Uint32(pdu[4:8]); id == cmdDeliverSM {
			if len(t.raw) > 1024 { // never acked: do not grow without bound
				clear(t.raw)
			}
			t.raw[binary.BigEndian.Uint32(pdu[12:16])] = append([]byte(nil), pdu...)
		}
		t.buf = append([]byte(nil), t.buf[n:]...)
	}
}

// take returns and forgets the raw PDU with this sequence number.
func (t *teeConn) take(seq uint32) ([]byte, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.raw[seq]
	delete(t.raw, seq)
	return b, ok
}
