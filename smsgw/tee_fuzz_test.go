package smsgw

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/linxGnu/gosmpp/pdu"
)

func framePDU(id, seq uint32, body []byte) []byte {
	b := make([]byte, 16, 16+len(body))
	binary.BigEndian.PutUint32(b[0:], uint32(16+len(body)))
	binary.BigEndian.PutUint32(b[4:], id)
	binary.BigEndian.PutUint32(b[12:], seq)
	return append(b, body...)
}

// Whatever an SMSC sends in a well-framed PDU, gosmpp is handed something
// it parses, with the same sequence number, so that it never closes the
// bind on it (and the SMSC never loops redelivering it).
func FuzzForGosmpp(f *testing.F) {
	f.Add(uint32(cmdDeliverSM), []byte{0, 1, 1, '1', 0, 0, 0, '2', 0, 0x40, 0, 0, 0, 0, 0, 0, 8, 0, 4, 5, 0, 3, 1})
	f.Add(uint32(cmdDeliverSM), []byte{0, 1, 1, '1', 0, 0, 0, '2', 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 50, 0x4e})
	f.Add(uint32(0x80000004), []byte("12345\x00"))
	f.Add(uint32(0x00000999), []byte{1, 2, 3})
	f.Add(uint32(0x80000015), []byte{})
	f.Fuzz(func(t *testing.T, id uint32, body []byte) {
		if len(body) > 2000 {
			return
		}
		in := framePDU(id, 77, body)
		out := forGosmpp(in)
		p, err := pdu.Parse(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("gosmpp cannot parse what it is handed for %x: %v", in, err)
		}
		if p.GetSequenceNumber() != 77 {
			t.Fatalf("sequence number %d, want 77", p.GetSequenceNumber())
		}
	})
}

// The tee hands gosmpp whole PDUs however the bytes are cut by the network,
// and keeps each deliver_sm's raw bytes.
func TestTee_FramesPDUsAcrossReadsAndKeepsRawDeliverSM(t *testing.T) {
	d := framePDU(cmdDeliverSM, 9, []byte{0, 1, 1, '1', 0, 0, 0, '2', 0, 0x40, 0, 0, 0, 0, 0, 0, 8, 0, 4, 5, 0, 3, 1})
	e := framePDU(0x00000015, 10, nil) // enquire_link
	stream := append(append([]byte(nil), d...), e...)
	tee := newTeeConn(nil)
	for i := range stream { // one byte at a time
		tee.feed(stream[i : i+1])
	}
	r := bytes.NewReader(tee.out)
	for _, want := range []int32{9, 10} {
		p, err := pdu.Parse(r)
		if err != nil || p.GetSequenceNumber() != want {
			t.Fatalf("PDU %d: %v %v", want, p, err)
		}
	}
	raw, ok := tee.take(9)
	if !ok || !bytes.Equal(raw, d) {
		t.Fatalf("raw deliver_sm %x, want %x", raw, d)
	}
}
