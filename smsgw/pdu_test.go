package smsgw

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

func marshal(p pdu.PDU) []byte {
	b := pdu.NewBuffer(nil)
	p.Marshal(b)
	return b.Bytes()
}

func deliverSM(t testing.TB, from, to string, esm, dc byte, sm []byte, tlvs map[pdu.Tag][]byte) *pdu.DeliverSM {
	t.Helper()
	d := pdu.NewDeliverSM().(*pdu.DeliverSM)
	_ = d.SourceAddr.SetAddress(from)
	_ = d.DestAddr.SetAddress(to)
	d.EsmClass = esm
	enc := data.FromDataCoding(dc)
	if enc == nil {
		enc = data.GSM7BIT
	}
	if err := d.Message.SetMessageDataWithEncoding(sm, enc); err != nil {
		t.Fatal(err)
	}
	for tag, v := range tlvs {
		d.RegisterOptionalParam(pdu.Field{Tag: tag, Data: v})
	}
	return d
}

func TestParseDeliverSM_ReadsEveryFieldAndTLV(t *testing.T) {
	body := []byte{0x4f, 0x9b, 0x68, 0x42, 0x82, 0xb1} // 供桂花 in UCS2
	d := deliverSM(t, "8613800000001", "10690000", 0x40, 0x08, body,
		map[pdu.Tag][]byte{pdu.TagSarMsgRefNum: {0, 7}, pdu.TagMessagePayload: []byte("x")})
	got, err := ParseDeliverSM(marshal(d))
	if err != nil {
		t.Fatal(err)
	}
	if got.Seq != uint32(d.SequenceNumber) || got.Source != "8613800000001" || got.Dest != "10690000" ||
		got.EsmClass != 0x40 || got.DataCoding != 0x08 || !bytes.Equal(got.ShortMessage, body) {
		t.Fatalf("got %+v", got)
	}
	if !bytes.Equal(got.TLVs[TagSarMsgRefNum], []byte{0, 7}) || string(got.TLVs[TagMessagePayload]) != "x" {
		t.Fatalf("TLVs %v", got.TLVs)
	}
}

func TestParseDeliverSM_KeepsDataCodingGosmppLoses(t *testing.T) {
	// 0x18: UCS2 with a message class. gosmpp maps unknown codes to nothing
	// and would read the bytes as GSM 7-bit.
	raw := marshal(deliverSM(t, "13800000001", "10690000", 0, 0x08, []byte{0x4f, 0x9b}, nil))
	dcAt := bytes.Index(raw, []byte{0x08, 0x00, 0x02, 0x4f, 0x9b})
	raw[dcAt] = 0x18
	got, err := ParseDeliverSM(raw)
	if err != nil || got.DataCoding != 0x18 {
		t.Fatalf("data_coding %#x, err %v", got.DataCoding, err)
	}
	if text, _, err := Decode(got.DataCoding, got.ShortMessage); err != nil || text != "供" {
		t.Fatalf("decoded %q, %v", text, err)
	}
}

func TestParseDeliverSM_RejectsMalformedWithoutPanic(t *testing.T) {
	good := marshal(deliverSM(t, "13800000001", "10690000", 0, 0, []byte("hello"), nil))
	cases := map[string][]byte{
		"Empty":           nil,
		"ShortHeader":     good[:10],
		"LengthPastEnd":   append([]byte{0, 0, 1, 0}, good[4:]...),
		"Truncated":       good[:len(good)-3],
		"NotDeliverSM":    append(append([]byte{}, good[:4]...), append([]byte{0, 0, 0, 4}, good[8:]...)...),
		"UnterminatedStr": append(append([]byte{}, good[:16]...), bytes.Repeat([]byte{'A'}, 40)...),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			if name == "UnterminatedStr" {
				binary.BigEndian.PutUint32(b[0:4], uint32(len(b)))
			}
			if _, err := ParseDeliverSM(b); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	t.Run("TLVLengthPastEnd", func(t *testing.T) {
		b := append(append([]byte{}, good...), 0x04, 0x24, 0x00, 0x09, 'x')
		binary.BigEndian.PutUint32(b[0:4], uint32(len(b)))
		if _, err := ParseDeliverSM(b); err == nil {
			t.Fatal("accepted a TLV whose length runs past the PDU")
		}
	})
}

func TestTeeConn_CapturesDeliverSMWhateverTheReadSizes(t *testing.T) {
	var stream []byte
	var seqs []uint32
	for i := range 20 {
		d := deliverSM(t, "13800000001", "10690000", 0, 0x08, bytes.Repeat([]byte{0, byte('a' + i)}, i+1), nil)
		seqs = append(seqs, uint32(d.SequenceNumber))
		stream = append(stream, marshal(d)...)
		stream = append(stream, marshal(pdu.NewEnquireLink())...)
	}
	r := rand.New(rand.NewPCG(1, 2))
	tc := &teeConn{raw: map[uint32][]byte{}}
	for off := 0; off < len(stream); {
		n := min(1+r.IntN(37), len(stream)-off)
		tc.feed(stream[off : off+n])
		off += n
	}
	for i, seq := range seqs {
		raw, ok := tc.take(seq)
		if !ok {
			t.Fatalf("deliver_sm %d not captured", i)
		}
		d, err := ParseDeliverSM(raw)
		if err != nil || len(d.ShortMessage) != 2*(i+1) {
			t.Fatalf("deliver_sm %d: %v, %d bytes", i, err, len(d.ShortMessage))
		}
	}
	if len(tc.raw) != 0 {
		t.Fatalf("%d PDUs left over: only deliver_sm should be kept", len(tc.raw))
	}
}

func FuzzParseDeliverSM(f *testing.F) {
	d := pdu.NewDeliverSM().(*pdu.DeliverSM)
	_ = d.SourceAddr.SetAddress("13800000001")
	_ = d.Message.SetMessageDataWithEncoding([]byte{0x05, 0x00, 0x03, 0x01, 0x02, 0x01, 0x4f, 0x9b}, data.UCS2)
	d.EsmClass = 0x40
	d.RegisterOptionalParam(pdu.Field{Tag: pdu.TagReceiptedMessageID, Data: []byte("123\x00")})
	f.Add(marshal(d))
	f.Add([]byte{0, 0, 0, 16, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseDeliverSM(b)
		if err != nil {
			return
		}
		if len(d.ShortMessage) > len(b) {
			t.Fatalf("short_message of %d bytes from %d input bytes", len(d.ShortMessage), len(b))
		}
		// Whatever parsed must go through the rest of the receive path too.
		if IsReceipt(d.EsmClass) {
			_, _ = ParseReceipt(d.ShortMessage, d.TLVs)
			return
		}
		p, err := ParsePart(d.EsmClass, d.DataCoding, d.ShortMessage, d.TLVs)
		if err == nil && !p.Concat {
			_, _, _ = Join([]Part{p})
		}
	})
}
