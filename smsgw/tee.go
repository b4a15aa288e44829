package smsgw

import (
	"bytes"
	"encoding/binary"
	"net"
	"sync"

	"github.com/linxGnu/gosmpp/pdu"
)

// teeConn sits between the bind's TCP connection and gosmpp. It frames the
// bytes into whole PDUs and
//
//   - keeps the raw deliver_sm PDUs by sequence number, so that the gateway
//     decodes them itself (gosmpp loses the data_coding byte);
//   - hands gosmpp a copy it cannot choke on. gosmpp closes the bind on any
//     PDU it fails to parse — a deliver_sm with a bad UDH under UDHI, an
//     unknown command id — and the SMSC then redelivers the same PDU after
//     the rebind, for ever. So the copy of a deliver_sm has UDHI cleared
//     (the gateway reads the UDH from the raw bytes), a deliver_sm gosmpp
//     still cannot parse becomes an empty one with the same sequence number
//     (the gateway then stores the raw bytes for a clerk and acknowledges
//     them), and any other unparsable PDU becomes a generic_nack, which the
//     gateway ignores.
//
// gosmpp reads on one goroutine and calls OnAllPDU on the same one after a
// PDU is complete, so the raw bytes are always here before they are asked for.
type teeConn struct {
	net.Conn
	mu      sync.Mutex
	in      []byte // bytes read, not yet a whole PDU
	out     []byte // whole PDUs for gosmpp
	broken  bool   // a length made framing impossible: pass bytes through
	raw     map[uint32][]byte
	scratch []byte
}

const maxPDU = 64 << 10

func newTeeConn(c net.Conn) *teeConn {
	return &teeConn{Conn: c, raw: map[uint32][]byte{}, scratch: make([]byte, 4096)}
}

func (t *teeConn) Read(p []byte) (int, error) {
	for {
		t.mu.Lock()
		if len(t.out) > 0 {
			n := copy(p, t.out)
			t.out = t.out[n:]
			t.mu.Unlock()
			return n, nil
		}
		t.mu.Unlock()
		n, err := t.Conn.Read(t.scratch)
		if n > 0 {
			t.mu.Lock()
			t.feed(t.scratch[:n])
			t.mu.Unlock()
		}
		if err != nil {
			t.mu.Lock()
			pending := len(t.out)
			t.mu.Unlock()
			if pending == 0 {
				return 0, err
			}
		}
	}
}

func (t *teeConn) feed(p []byte) {
	if t.broken {
		t.out = append(t.out, p...)
		return
	}
	t.in = append(t.in, p...)
	for len(t.in) >= 16 {
		n := binary.BigEndian.Uint32(t.in[0:4])
		if n < 16 || n > maxPDU {
			// gosmpp will fail on the same bytes and drop the link
			t.broken = true
			t.out = append(t.out, t.in...)
			t.in = nil
			return
		}
		if uint32(len(t.in)) < n {
			return
		}
		whole := append([]byte(nil), t.in[:n]...)
		t.in = append([]byte(nil), t.in[n:]...)
		seq := binary.BigEndian.Uint32(whole[12:16])
		if binary.BigEndian.Uint32(whole[4:8]) == cmdDeliverSM {
			if len(t.raw) > 1024 { // never acked: do not grow without bound
				clear(t.raw)
			}
			t.raw[seq] = whole
		}
		t.out = append(t.out, forGosmpp(whole)...)
	}
}

// forGosmpp returns a PDU gosmpp parses without error in place of b.
func forGosmpp(b []byte) []byte {
	id := binary.BigEndian.Uint32(b[4:8])
	seq := binary.BigEndian.Uint32(b[12:16])
	if id == cmdDeliverSM {
		if d, err := ParseDeliverSM(b); err == nil && d.EsmClass&EsmUDHI != 0 {
			b = append([]byte(nil), b...)
			b[esmClassOffset(d)] &^= EsmUDHI
		}
	}
	if gosmppParses(b) {
		return b
	}
	if id == cmdDeliverSM {
		return emptyDeliverSM(seq)
	}
	return header(0x80000000, 0x00000003, seq) // generic_nack, ESME_RINVCMDID
}

// gosmppParses reports whether gosmpp parses b without an error or a
// panic (v0.3.1 panics on TLVs in some PDUs, e.g. query_sm, on its read
// goroutine, which would take the whole process down).
func gosmppParses(b []byte) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, err := pdu.Parse(bytes.NewReader(b))
	return err == nil
}

// esmClassOffset is where esm_class sits in a deliver_sm that parsed as d.
func esmClassOffset(d DeliverSM) int {
	return 16 + len(d.ServiceType) + 1 + 2 + len(d.Source) + 1 + 2 + len(d.Dest) + 1
}

func header(id, status, seq uint32) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint32(b[0:], 16)
	binary.BigEndian.PutUint32(b[4:], id)
	binary.BigEndian.PutUint32(b[8:], status)
	binary.BigEndian.PutUint32(b[12:], seq)
	return b
}

// emptyDeliverSM is a well-formed deliver_sm with every field empty.
func emptyDeliverSM(seq uint32) []byte {
	body := []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	// service_type, src ton/npi/addr, dst ton/npi/addr, esm, pid, prio,
	// schedule, validity, registered, replace, data_coding, default id, sm_length
	b := header(cmdDeliverSM, 0, seq)
	b = append(b, body...)
	binary.BigEndian.PutUint32(b[0:], uint32(len(b)))
	return b
}

// take returns and forgets the raw PDU with this sequence number.
func (t *teeConn) take(seq uint32) ([]byte, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, ok := t.raw[seq]
	delete(t.raw, seq)
	return b, ok
}
