package smsc

import (
	"encoding/binary"
	"time"

	"github.com/linxGnu/gosmpp/pdu"

	"huamu/smsgw"
)

// Form is how the simulator carries a long MO, as different handsets and
// SMSCs do.
type Form string

// The forms of a long MO.
const (
	FormUDH8    Form = "udh8"    // UDH concatenation IE with an 8-bit reference (the default)
	FormUDH16   Form = "udh16"   // UDH concatenation IE with a 16-bit reference
	FormSAR     Form = "sar"     // sar_msg_ref_num / sar_total_segments / sar_segment_seqnum TLVs
	FormPayload Form = "payload" // the whole text in one message_payload TLV
)

// InjectAs queues a mobile-originated text carried in form.
func (s *Server) InjectAs(from, to, text string, form Form) *MO {
	if form == "" || form == FormUDH8 {
		return s.Inject(from, to, text)
	}
	s.mu.Lock()
	s.nextMOID++
	s.nextRef++
	ref := 0x1200 | s.nextRef // a reference that needs 16 bits
	id := s.nextMOID
	s.mu.Unlock()
	var parts []*moPart
	mo := &MO{ID: id, From: from, To: to, Text: text, At: time.Now()}
	switch form {
	case FormPayload:
		dc, segs, _ := smsgw.Split(text, 0, false)
		var body []byte
		for _, seg := range segs {
			b := seg.ShortMessage
			if seg.UDHI {
				b = b[int(b[0])+1:]
			}
			body = append(body, b...)
		}
		parts = append(parts, &moPart{mo: mo, from: from, to: to, dc: dc,
			seg:  smsgw.Segment{Seq: 1, Total: 1},
			tlvs: map[pdu.Tag][]byte{pdu.TagMessagePayload: body}})
	default: // udh16, sar: split with room for a 16-bit reference
		dc, segs, _ := smsgw.Split(text, ref, true)
		for _, seg := range segs {
			p := &moPart{mo: mo, from: from, to: to, dc: dc, seg: seg}
			if form == FormSAR && seg.UDHI {
				p.seg.ShortMessage = seg.ShortMessage[int(seg.ShortMessage[0])+1:]
				p.seg.UDHI = false
				r := make([]byte, 2)
				binary.BigEndian.PutUint16(r, ref)
				p.tlvs = map[pdu.Tag][]byte{pdu.TagSarMsgRefNum: r,
					pdu.TagSarTotalSegments: {byte(seg.Total)}, pdu.TagSarSegmentSeqnum: {byte(seg.Seq)}}
			}
			parts = append(parts, p)
		}
	}
	mo.Parts = len(parts)
	s.mu.Lock()
	s.mos = append(s.mos, mo)
	s.queue = append(s.queue, parts...)
	s.notifyLocked()
	s.mu.Unlock()
	return mo
}

// InjectRaw queues a deliver_sm whose body (everything after the 16-byte
// header) is given as is, however malformed, as a faulty SMSC would send
// it. It is redelivered until acknowledged, like any MO.
func (s *Server) InjectRaw(from string, body []byte) *MO {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextMOID++
	mo := &MO{ID: s.nextMOID, From: from, Text: "(raw PDU)", Parts: 1, At: time.Now()}
	s.mos = append(s.mos, mo)
	s.queue = append(s.queue, &moPart{mo: mo, from: from, raw: body})
	s.notifyLocked()
	return mo
}

// Throttled returns when each submit_sm answered ESME_RTHROTTLED arrived.
func (s *Server) Throttled() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.throttledAt...)
}
