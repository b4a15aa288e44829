package smsc

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"

	"huamu/smsgw"
)

// This file is one ESME's connection to the simulator: binds, submits
// answered and receipted, MOs delivered and their acknowledgements. The
// Server that accepts connections and queues MOs is in smsc.go.

// conn is one ESME connection.
type conn struct {
	s        *Server
	nc       net.Conn
	br       *bufio.Reader
	wmu      sync.Mutex    // guards bw
	bw       *bufio.Writer // flushed when no more input waits, and after each batch of deliveries
	systemID string
	bindType pdu.BindingType
	bound    bool
	pending  map[uint32]*moPart // deliver_sm awaiting deliver_sm_resp, guarded by s.mu
	dropped  bool               // DropConnections: accept nothing more, guarded by s.mu
}

func (c *conn) receiver() bool {
	return c.bound && (c.bindType == pdu.Receiver || c.bindType == pdu.Transceiver)
}

// write queues p for the ESME; serve flushes once it has read all the
// input waiting, so that a burst of requests is answered in one write.
func (c *conn) write(p pdu.PDU) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.writeLocked(p)
}

func (c *conn) writeLocked(p pdu.PDU) error {
	buf := pdu.NewBuffer(make([]byte, 0, 64))
	p.Marshal(buf)
	_ = c.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, err := c.bw.Write(buf.Bytes())
	return err
}

func (c *conn) flush() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.bw.Flush()
}

func (c *conn) serve() {
	defer func() {
		_ = c.nc.Close()
		c.s.mu.Lock()
		delete(c.s.conns, c)
		// Whatever this ESME did not acknowledge goes back to the queue.
		back := slices.Collect(maps.Values(c.pending))
		c.pending = nil
		c.s.mu.Unlock()
		c.s.requeue(back...)
	}()
	for {
		c.s.mu.Lock()
		dropped := c.dropped
		c.s.mu.Unlock()
		if dropped { // drain what the ESME still sends until it closes
			_, _ = io.Copy(io.Discard, c.br)
			return
		}
		if c.br.Buffered() == 0 {
			if err := c.flush(); err != nil {
				return
			}
		}
		_ = c.nc.SetReadDeadline(time.Now().Add(5 * time.Minute))
		p, err := pdu.Parse(c.br)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				c.s.log.Debug("smsc: read", slog.Any("err", err))
			}
			return
		}
		if !c.handle(p) {
			return
		}
	}
}

func (c *conn) handle(p pdu.PDU) (keep bool) {
	c.s.mu.Lock()
	dropped := c.dropped
	c.s.mu.Unlock()
	if dropped {
		return true // serve drains the rest
	}
	switch req := p.(type) {
	case *pdu.BindRequest:
		resp := req.GetResponse().(*pdu.BindResp)
		resp.SystemID = "HUAMUSIM"
		if want, ok := c.s.cfg.Accounts[req.SystemID]; len(c.s.cfg.Accounts) > 0 && (!ok || want != req.Password) {
			resp.CommandStatus = data.ESME_RINVPASWD
			_ = c.write(resp)
			return false
		}
		c.s.mu.Lock()
		c.systemID, c.bindType, c.bound = req.SystemID, req.BindingType, true
		c.s.notifyLocked()
		c.s.mu.Unlock()
		return c.write(resp) == nil
	case *pdu.EnquireLink:
		return c.write(req.GetResponse()) == nil
	case *pdu.Unbind:
		_ = c.write(req.GetResponse())
		return false
	case *pdu.SubmitSM:
		return c.submit(req)
	case *pdu.DeliverSMResp:
		c.s.mu.Lock()
		seq := uint32(req.SequenceNumber)
		if mp, ok := c.pending[seq]; ok {
			delete(c.pending, seq)
			if req.CommandStatus == data.ESME_ROK {
				if mp.mo != nil {
					mp.mo.Acked++
				}
				if mp.load != nil {
					mp.load.ackedLocked(mp.idx)
				}
				c.s.notifyLocked()
				c.s.mu.Unlock()
				return true
			}
			if mp.load != nil {
				mp.load.refused++
			}
			c.s.mu.Unlock()
			// A refusal (e.g. the ESME's database is down): try again later.
			time.AfterFunc(500*time.Millisecond, func() { c.s.requeue(mp) })
			return true
		}
		c.s.mu.Unlock()
		return true
	case *pdu.EnquireLinkResp, *pdu.GenericNack:
		return true
	default:
		if p.CanResponse() {
			r := p.GetResponse()
			r.GetHeader()
			_ = c.write(r)
		}
		return true
	}
}

func (c *conn) submit(req *pdu.SubmitSM) bool {
	resp := req.GetResponse().(*pdu.SubmitSMResp)
	// Accepting and answering happen under wmu, so that DropConnections
	// never falls between them.
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.s.mu.Lock()
	if c.dropped {
		c.s.mu.Unlock()
		return true // not accepted; serve drains the rest
	}
	if !c.bound || c.bindType == pdu.Receiver {
		c.s.mu.Unlock()
		resp.CommandStatus = data.ESME_RINVBNDSTS
		return c.writeLocked(resp) == nil
	}
	if c.s.refuse > 0 {
		c.s.refuse--
		status := c.s.refuseWith
		c.s.mu.Unlock()
		resp.CommandStatus = status
		return c.writeLocked(resp) == nil
	}
	if c.s.throttle > 0 {
		c.s.throttle--
		c.s.throttledAt = append(c.s.throttledAt, time.Now())
		c.s.mu.Unlock()
		resp.CommandStatus = data.ESME_RTHROTTLED
		return c.writeLocked(resp) == nil
	}
	c.s.nextMsgID++
	id := strconv.FormatInt(c.s.nextMsgID, 10)
	if lr := c.s.load; lr != nil && lr.replyLocked(req.DestAddr.Address()) {
		// A reply to a load run's handset: counted, not kept in the log.
		sub := Submit{MessageID: id, From: req.SourceAddr.Address(), To: req.DestAddr.Address(), At: time.Now()}
		c.s.mu.Unlock()
		return c.accept(resp, sub, req.RegisteredDelivery)
	}
	raw, _ := req.Message.GetMessageData()
	var udh []byte
	if u := req.Message.UDH(); len(u) > 0 {
		udh, _ = u.MarshalBinary()
	}
	sub := Submit{MessageID: id, Bind: c.systemID, From: req.SourceAddr.Address(), To: req.DestAddr.Address(),
		UDH: udh, Total: 1, Seq: 1, At: time.Now()}
	if enc := req.Message.Encoding(); enc != nil {
		sub.DataCoding = enc.DataCoding()
	}
	full := append(append([]byte(nil), udh...), raw...)
	esm := req.EsmClass
	if len(udh) > 0 {
		esm |= 0x40
	}
	tlvs := map[uint16][]byte{}
	for tag, f := range req.OptionalParameters {
		tlvs[uint16(tag)] = f.Data
	}
	if part, err := smsgw.ParsePart(esm, sub.DataCoding, full, tlvs); err == nil {
		if part.Concat {
			sub.Ref, sub.Seq, sub.Total = int(part.Ref), int(part.Seq), int(part.Total)
		}
		sub.Text, _, _ = smsgw.Decode(sub.DataCoding, part.Body)
	}
	c.s.submits = append(c.s.submits, sub)
	c.s.notifyLocked()
	c.s.mu.Unlock()
	return c.accept(resp, sub, req.RegisteredDelivery)
}

// accept answers an accepted submit with its message id and, when the ESME
// asked for one, sends its receipt after the configured delay.
func (c *conn) accept(resp *pdu.SubmitSMResp, sub Submit, registeredDelivery byte) bool {
	resp.MessageID = sub.MessageID
	if err := c.writeLocked(resp); err != nil {
		return false
	}
	if registeredDelivery&0x01 != 0 {
		time.AfterFunc(c.s.cfg.ReceiptDelay, func() { c.s.queueReceipt(sub) })
	}
	return true
}

// queueReceipt sends a DELIVRD receipt for sub the way most SMSCs do: the
// receipted_message_id and message_state TLVs and the text form both.
func (s *Server) queueReceipt(sub Submit) {
	now := time.Now().Format("0601021504")
	text := fmt.Sprintf("id:%s sub:001 dlvrd:001 submit date:%s done date:%s stat:DELIVRD err:000 text:",
		sub.MessageID, sub.At.Format("0601021504"), now)
	p := &moPart{from: sub.To, to: sub.From, dc: 0, dlr: true,
		seg:  smsgw.Segment{ShortMessage: []byte(text), Seq: 1, Total: 1},
		tlvs: map[pdu.Tag][]byte{pdu.TagReceiptedMessageID: append([]byte(sub.MessageID), 0), pdu.TagMessageStateOption: {2}}}
	s.mu.Lock()
	s.queue = append(s.queue, p)
	s.notifyLocked()
	s.mu.Unlock()
}

// deliver writes parts under the sequence numbers deliverSome gave them,
// in one flush. Parts a failed write leaves unsent go back to the queue
// (unless the closing connection put them back already).
func (c *conn) deliver(seqs []uint32, ps []*moPart) {
	c.wmu.Lock()
	var err error
	buf := make([]byte, 0, 256)
	for i, p := range ps {
		buf = appendDeliverSM(buf[:0], seqs[i], p)
		if _, err = c.bw.Write(buf); err != nil {
			break
		}
	}
	if err == nil {
		_ = c.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
		err = c.bw.Flush()
	}
	c.wmu.Unlock()
	c.s.mu.Lock()
	var back []*moPart
	for i, p := range ps {
		if err != nil {
			if _, ok := c.pending[seqs[i]]; ok {
				delete(c.pending, seqs[i])
				back = append(back, p)
			}
			continue
		}
		if p.load != nil {
			p.load.sentLocked(p.idx)
		}
	}
	c.s.mu.Unlock()
	c.s.requeue(back...)
}

// appendDeliverSM appends the deliver_sm carrying p with sequence number
// seq: the raw body of InjectRaw as given, else a text or receipt from
// p.from to p.to, its bytes as they are.
func appendDeliverSM(b []byte, seq uint32, p *moPart) []byte {
	start := len(b)
	b = binary.BigEndian.AppendUint32(b, 0) // length, set below
	b = binary.BigEndian.AppendUint32(b, 0x00000005)
	b = binary.BigEndian.AppendUint32(b, 0)
	b = binary.BigEndian.AppendUint32(b, seq)
	if p.raw != nil {
		b = append(b, p.raw...)
	} else {
		var esm byte
		if p.seg.UDHI {
			esm |= 0x40
		}
		if p.dlr {
			esm |= 0x04
		}
		b = append(b, 0, 1, 1) // service_type "", source TON international, NPI ISDN
		b = append(append(b, p.from...), 0)
		b = append(b, 0, 0) // destination TON, NPI
		b = append(append(b, p.to...), 0)
		// esm_class, protocol_id, priority, schedule "", validity "",
		// registered_delivery, replace_if_present, data_coding, sm_default_msg_id
		b = append(b, esm, 0, 0, 0, 0, 0, 0, p.dc, 0)
		sm := p.seg.ShortMessage
		if len(sm) > 254 {
			sm = sm[:254]
		}
		b = append(b, byte(len(sm)))
		b = append(b, sm...)
		for _, t := range slices.Sorted(maps.Keys(p.tlvs)) {
			v := p.tlvs[t]
			b = binary.BigEndian.AppendUint16(b, uint16(t))
			b = binary.BigEndian.AppendUint16(b, uint16(len(v)))
			b = append(b, v...)
		}
	}
	binary.BigEndian.PutUint32(b[start:], uint32(len(b)-start))
	return b
}
