package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"time"
	"unicode/utf8"
)

// Part is one stored part of a long MO.
type Part struct {
	DedupKey   string
	Bind       string
	Carrier    string
	Sender     string
	Recipient  string
	Ref        int
	Total      int
	Seq        int
	DataCoding byte
	Body       []byte
	ReceivedAt time.Time
	// Hold and HoldNote, on the part that completes a message, hold the
	// joined text for a clerk (see MO.Hold).
	Hold     string
	HoldNote string
}

// Joiner turns a complete, seq-ordered set of parts into text.
type Joiner func(parts []Part) (string, error)

// AddPart commits one part of a long MO (see Receive) and, when it
// completes its message, the joined text as an inbound row in the same
// transaction. A redelivered part is stored once. Parts belong together
// when sender, reference and total agree and they arrived within
// partWindow of each other.
func (s *Store) AddPart(ctx context.Context, p Part, join Joiner) (inboundID int64, complete bool, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		inboundID, complete, err = tx.addPart(ctx, p, join)
		return err
	})
	return inboundID, complete, err
}

// groupLock is the advisory lock that serialises the parts of one message,
// so that exactly one of two parts arriving at once sees it complete.
func (p Part) groupLock() int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%d|%d", p.Sender, p.Ref, p.Total)
	return int64(h.Sum64())
}

func (tx *Tx) addPart(ctx context.Context, p Part, join Joiner) (inboundID int64, complete bool, err error) {
	if _, err := tx.tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, p.groupLock()); err != nil {
		return 0, false, err
	}
	if p.ReceivedAt.IsZero() {
		p.ReceivedAt = tx.Now
	}
	// A sender with too many parts waiting for the rest of their texts
	// (parts sent with a fresh reference each time never complete) has
	// this one handed to a clerk at once, as what it is.
	var waiting int
	if err := tx.tx.QueryRow(ctx, `SELECT count(*) FROM inbound_parts WHERE sender = $1 AND inbound_id IS NULL
		AND received_at > $2`, p.Sender, p.ReceivedAt.Add(-partWindow)).Scan(&waiting); err != nil {
		return 0, false, interpret(err, "短信分段")
	}
	if waiting >= MaxWaitingParts {
		text, err := join([]Part{p})
		if err != nil {
			text = ""
		}
		inboundID, inserted, err := tx.insertInbound(ctx, MO{DedupKey: "c:" + p.DedupKey, Bind: p.Bind, Carrier: p.Carrier,
			Sender: p.Sender, Recipient: p.Recipient, Body: text, ReceivedAt: p.ReceivedAt, Hold: "flood",
			HoldNote: "等待拼接的长短信分段过多，此段转人工"})
		return inboundID, inserted, err
	}
	tag, err := tx.tx.Exec(ctx, `INSERT INTO inbound_parts (dedup_key, bind, carrier, sender, recipient,
		ref, total, seq, data_coding, body, received_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
		ON CONFLICT (dedup_key) DO NOTHING`,
		p.DedupKey, p.Bind, p.Carrier, p.Sender, p.Recipient, p.Ref, p.Total, p.Seq, int16(p.DataCoding), p.Body, p.ReceivedAt)
	if err != nil {
		return 0, false, interpret(err, "短信分段")
	}
	if tag.RowsAffected() == 0 {
		return 0, false, nil // a redelivery of a part already stored
	}
	rows, err := tx.tx.Query(ctx, `SELECT DISTINCT ON (seq) id, seq, data_coding, body, dedup_key
		FROM inbound_parts
		WHERE sender = $1 AND ref = $2 AND total = $3 AND inbound_id IS NULL AND received_at > $4
		ORDER BY seq, id`, p.Sender, p.Ref, p.Total, p.ReceivedAt.Add(-partWindow))
	if err != nil {
		return 0, false, interpret(err, "短信分段")
	}
	var ids []int64
	var parts []Part
	for rows.Next() {
		var (
			id int64
			q  = p
			dc int16
		)
		if err := rows.Scan(&id, &q.Seq, &dc, &q.Body, &q.DedupKey); err != nil {
			rows.Close()
			return 0, false, err
		}
		q.DataCoding = byte(dc)
		ids = append(ids, id)
		parts = append(parts, q)
	}
	if err := rows.Err(); err != nil {
		return 0, false, err
	}
	if len(parts) < p.Total {
		return 0, false, nil
	}
	text, err := join(parts)
	if err != nil {
		return 0, false, fmt.Errorf("join long MO: %w", err)
	}
	inboundID, _, err = tx.insertInbound(ctx, MO{DedupKey: "j:" + parts[0].DedupKey, Bind: p.Bind, Carrier: p.Carrier,
		Sender: p.Sender, Recipient: p.Recipient, Body: text, ReceivedAt: p.ReceivedAt, Hold: p.Hold, HoldNote: p.HoldNote})
	if err != nil {
		return 0, false, err
	}
	_, err = tx.tx.Exec(ctx, `UPDATE inbound_parts SET inbound_id = $1 WHERE id = ANY($2)`, inboundID, ids)
	return inboundID, true, interpret(err, "短信分段")
}

// MaxWaitingParts is how many parts of incomplete long texts one number
// may have waiting at once.
const MaxWaitingParts = 16

// partWindow is how far apart the parts of one message may arrive; a handset
// sends them within seconds, and references repeat after 256 messages.
const partWindow = time.Hour

// HandOnStaleParts turns the parts of messages still incomplete after
// olderThan into inbound rows marked as fragments, so that a clerk sees
// what did arrive. It returns how many messages it handed on.
func (s *Store) HandOnStaleParts(ctx context.Context, olderThan time.Duration, join Joiner) (int, error) {
	n := 0
	err := s.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.tx.Query(ctx, `SELECT id, dedup_key, bind, carrier, sender, recipient, ref, total, seq,
			data_coding, body, received_at FROM inbound_parts
			WHERE inbound_id IS NULL AND received_at < $1
			ORDER BY sender, ref, total, seq FOR UPDATE SKIP LOCKED`, tx.Now.Add(-olderThan))
		if err != nil {
			return interpret(err, "短信分段")
		}
		type group struct {
			ids   []int64
			parts []Part
		}
		var groups []*group
		idx := map[string]*group{}
		for rows.Next() {
			var (
				id int64
				p  Part
				dc int16
			)
			if err := rows.Scan(&id, &p.DedupKey, &p.Bind, &p.Carrier, &p.Sender, &p.Recipient, &p.Ref, &p.Total,
				&p.Seq, &dc, &p.Body, &p.ReceivedAt); err != nil {
				rows.Close()
				return err
			}
			p.DataCoding = byte(dc)
			k := fmt.Sprintf("%s|%d|%d", p.Sender, p.Ref, p.Total)
			g := idx[k]
			if g == nil {
				g = &group{}
				idx[k] = g
				groups = append(groups, g)
			}
			g.ids = append(g.ids, id)
			g.parts = append(g.parts, p)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, g := range groups {
			text, err := join(g.parts)
			if err != nil {
				text = ""
			}
			p := g.parts[0]
			id, _, err := tx.insertInbound(ctx, MO{DedupKey: "f:" + p.DedupKey, Bind: p.Bind, Carrier: p.Carrier,
				Sender: p.Sender, Recipient: p.Recipient, Body: text, ReceivedAt: p.ReceivedAt, Hold: "fragment"})
			if err != nil {
				return err
			}
			if _, err := tx.tx.Exec(ctx, `UPDATE inbound_parts SET inbound_id = $1 WHERE id = ANY($2)`, id, g.ids); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// insertInbound stores mo unless its key is taken; inserted says which.
// A fragment stays "new" (a worker answers what it can of it, with its
// reason); any other hold goes straight to a clerk.
func (tx *Tx) insertInbound(ctx context.Context, mo MO) (id int64, inserted bool, err error) {
	ids, dups, err := tx.insertTexts(ctx, []MO{mo})
	if err != nil {
		return 0, false, err
	}
	return ids[0], !dups[0], nil
}

// storable makes s valid UTF-8 without NUL bytes, each offending byte
// shown as U+FFFD so a clerk sees something was there.
func storable(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
