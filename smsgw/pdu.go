package smsgw

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// cmdDeliverSM is the SMPP command id of deliver_sm, the one PDU this
// package reads from raw bytes.
const cmdDeliverSM = 0x00000005

// DeliverSM holds the fields of a deliver_sm as they were on the wire.
//
// gosmpp parses a deliver_sm too, but keeps only an Encoding for data_coding
// (an unknown code silently becomes GSM 7-bit) and drops bytes it does not
// understand, so the gateway reads the raw PDU itself (see teeConn).
type DeliverSM struct {
	Seq          uint32
	ServiceType  string
	SourceTON    byte
	SourceNPI    byte
	Source       string
	DestTON      byte
	DestNPI      byte
	Dest         string
	EsmClass     byte
	ProtocolID   byte
	Priority     byte
	ScheduleTime string
	Validity     string
	Registered   byte
	DataCoding   byte
	ShortMessage []byte
	TLVs         map[uint16][]byte
}

// ErrMalformedPDU is returned for bytes that are not a well-formed PDU.
var ErrMalformedPDU = errors.New("malformed PDU")

// ParseDeliverSM decodes one whole deliver_sm PDU (header included). It never
// panics and never reads past the PDU's own command_length.
func ParseDeliverSM(b []byte) (DeliverSM, error) {
	var d DeliverSM
	if len(b) < 16 {
		return d, fmt.Errorf("%w: %d bytes is shorter than a header", ErrMalformedPDU, len(b))
	}
	n := binary.BigEndian.Uint32(b[0:4])
	if n < 16 || int64(n) > int64(len(b)) {
		return d, fmt.Errorf("%w: command_length %d for %d bytes", ErrMalformedPDU, n, len(b))
	}
	if id := binary.BigEndian.Uint32(b[4:8]); id != cmdDeliverSM {
		return d, fmt.Errorf("%w: command_id %#08x is not deliver_sm", ErrMalformedPDU, id)
	}
	d.Seq = binary.BigEndian.Uint32(b[12:16])
	r := reader{b: b[16:n]}
	d.ServiceType = r.cstring(6)
	d.SourceTON, d.SourceNPI = r.byte(), r.byte()
	d.Source = r.cstring(21)
	d.DestTON, d.DestNPI = r.byte(), r.byte()
	d.Dest = r.cstring(21)
	d.EsmClass, d.ProtocolID, d.Priority = r.byte(), r.byte(), r.byte()
	d.ScheduleTime = r.cstring(17)
	d.Validity = r.cstring(17)
	d.Registered = r.byte()
	_ = r.byte() // replace_if_present_flag
	d.DataCoding = r.byte()
	_ = r.byte() // sm_default_msg_id
	smLen := int(r.byte())
	d.ShortMessage = r.bytes(smLen)
	if r.err != nil {
		return d, r.err
	}
	tlvs, err := parseTLVs(r.b[r.off:])
	if err != nil {
		return d, err
	}
	d.TLVs = tlvs
	return d, nil
}

func parseTLVs(b []byte) (map[uint16][]byte, error) {
	out := map[uint16][]byte{}
	for len(b) > 0 {
		if len(b) < 4 {
			return out, fmt.Errorf("%w: %d stray bytes after the TLVs", ErrMalformedPDU, len(b))
		}
		tag, l := binary.BigEndian.Uint16(b[0:2]), int(binary.BigEndian.Uint16(b[2:4]))
		if 4+l > len(b) {
			return out, fmt.Errorf("%w: TLV %#04x length %d past the end", ErrMalformedPDU, tag, l)
		}
		out[tag] = append([]byte(nil), b[4:4+l]...)
		b = b[4+l:]
	}
	return out, nil
}

// reader reads SMPP fields, remembering the first error.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.err = fmt.Errorf("%w: body ends early", ErrMalformedPDU)
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if r.off+n > len(r.b) {
		r.err = fmt.Errorf("%w: short_message of %d bytes past the end", ErrMalformedPDU, n)
		return nil
	}
	out := append([]byte(nil), r.b[r.off:r.off+n]...)
	r.off += n
	return out
}

// cstring reads a NUL-terminated string of at most max bytes including NUL.
func (r *reader) cstring(max int) string {
	if r.err != nil {
		return ""
	}
	for i := r.off; i < len(r.b) && i < r.off+max; i++ {
		if r.b[i] == 0 {
			s := string(r.b[r.off:i])
			r.off = i + 1
			return s
		}
	}
	r.err = fmt.Errorf("%w: C-string not terminated within %d bytes", ErrMalformedPDU, max)
	return ""
}
