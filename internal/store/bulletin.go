package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"huamu/matching"
)

// Audience kinds of a bulletin.
const (
	AudienceAll     = "all"
	AudienceTown    = "town"
	AudienceGrowers = "growers" // members with an offer of a species
	AudienceBuyers  = "buyers"  // members with a demand for a species
	// AudiencePriceSubscribers is the weekly price bulletin's: the numbers
	// subscribed (订阅) to the species it covers; Value is the Monday it
	// went out on. The system sends it, never a clerk.
	AudiencePriceSubscribers = "price_subscribers"
)

// Audience is who a bulletin goes to. Stopped numbers never count.
type Audience struct {
	Kind  string
	Value string // town, or species
}

// audienceWhere selects members m for an audience; $1 is its value.
func audienceWhere(a Audience) (string, error) {
	switch a.Kind {
	case AudienceAll:
		return `m.stopped_at IS NULL AND NOT m.association AND $1 = $1`, nil
	case AudienceTown:
		return `m.stopped_at IS NULL AND NOT m.association AND m.town = $1`, nil
	case AudienceGrowers, AudienceBuyers:
		side := "supply"
		if a.Kind == AudienceBuyers {
			side = "demand"
		}
		return `m.stopped_at IS NULL AND NOT m.association AND EXISTS (SELECT 1 FROM listings l WHERE l.member_id = m.id
			AND l.side = '` + side + `' AND l.species = $1)`, nil
	}
	return "", matching.Errorf(matching.CodeInvalid, "请选择发送对象")
}

// CountAudience counts the numbers a bulletin to a would reach.
func (s *Store) CountAudience(ctx context.Context, a Audience) (int64, error) {
	where, err := audienceWhere(a)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.pool.QueryRow(ctx, `SELECT count(*) FROM members m WHERE `+where, a.Value).Scan(&n)
	return n, interpret(err, "会员")
}

// Bulletin is a message sent to an audience and how its delivery goes.
type Bulletin struct {
	ID         int64
	Body       string
	Audience   Audience
	Recipients int64
	Parts      int
	By         string // the clerk, or 系统 for the weekly price bulletin
	CreatedAt  time.Time
	Progress   Progress
}

// Progress counts a bulletin's texts by state.
type Progress struct {
	Queued, Submitted, Delivered, Failed int64
}

// Sent is how many left the exchange (submitted, delivered or failed).
func (p Progress) Sent() int64 { return p.Submitted + p.Delivered + p.Failed }

// Total is every text of the bulletin.
func (p Progress) Total() int64 { return p.Queued + p.Sent() }

// SendBulletin queues text m (its Recipient aside) once per member of the
// audience (stopped numbers never included) in one transaction, and
// returns the bulletin's id and the number of recipients.
func (s *Store) SendBulletin(ctx context.Context, userID int64, a Audience, m NewMT) (int64, int64, error) {
	var id, n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		id, n, err = tx.SendBulletin(ctx, userID, a, m)
		return err
	})
	return id, n, err
}

// SendBulletin is Store.SendBulletin within tx (under an idempotency key,
// for one: Store.Once).
func (tx *Tx) SendBulletin(ctx context.Context, userID int64, a Audience, m NewMT) (int64, int64, error) {
	body, parts := m.Body, m.Parts
	where, err := audienceWhere(a)
	if err != nil {
		return 0, 0, err
	}
	var id int64
	if err := tx.tx.QueryRow(ctx, `INSERT INTO bulletins (body, audience, audience_value, parts, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, body, a.Kind, a.Value, parts, userID, tx.Now).Scan(&id); err != nil {
		return 0, 0, interpret(err, "群发")
	}
	// One statement for every recipient: a bulletin to 20,000 members is
	// one round trip, and the stoplist is read in the same snapshot.
	tag, err := tx.tx.Exec(ctx, `WITH ins AS (
			INSERT INTO outbox (recipient, body, kind, unsolicited, planned_parts, next_attempt_at, created_at)
			SELECT m.phone, $2, $5, $6, $7, $3, $3 FROM members m WHERE `+
		replaceArg(where)+` ORDER BY m.id
			RETURNING id)
		INSERT INTO bulletin_messages (bulletin_id, outbox_id) SELECT $1, id FROM ins`, id, body, tx.Now, a.Value,
		m.Kind, m.Unsolicited, m.Parts)
	if err != nil {
		return 0, 0, interpret(err, "群发")
	}
	n := tag.RowsAffected()
	if _, err := tx.tx.Exec(ctx, `UPDATE bulletins SET recipients = $2 WHERE id = $1`, id, n); err != nil {
		return 0, 0, interpret(err, "群发")
	}
	return id, n, tx.Audit(ctx, userID, "bulletin.send", fmt.Sprintf("bulletin:%d", id),
		fmt.Sprintf("%s=%s 人数=%d", a.Kind, a.Value, n))
}

// replaceArg renumbers the audience's $1 to $4 for SendBulletin's statement.
func replaceArg(where string) string {
	out := []byte{}
	for i := 0; i < len(where); i++ {
		if where[i] == '$' && i+1 < len(where) && where[i+1] == '1' {
			out = append(out, '$', '4')
			i++
			continue
		}
		out = append(out, where[i])
	}
	return string(out)
}

const bulletinCols = `b.id, b.body, b.audience, b.audience_value, b.recipients, b.parts, coalesce(u.name, '系统'), b.created_at,
	(SELECT count(*) FILTER (WHERE o.state = 'queued') FROM bulletin_messages bm JOIN outbox o ON o.id = bm.outbox_id WHERE bm.bulletin_id = b.id),
	(SELECT count(*) FILTER (WHERE o.state = 'submitted') FROM bulletin_messages bm JOIN outbox o ON o.id = bm.outbox_id WHERE bm.bulletin_id = b.id),
	(SELECT count(*) FILTER (WHERE o.state = 'delivered') FROM bulletin_messages bm JOIN outbox o ON o.id = bm.outbox_id WHERE bm.bulletin_id = b.id),
	(SELECT count(*) FILTER (WHERE o.state = 'failed') FROM bulletin_messages bm JOIN outbox o ON o.id = bm.outbox_id WHERE bm.bulletin_id = b.id)`

func scanBulletin(r pgx.CollectableRow) (Bulletin, error) {
	var b Bulletin
	err := r.Scan(&b.ID, &b.Body, &b.Audience.Kind, &b.Audience.Value, &b.Recipients, &b.Parts, &b.By, &b.CreatedAt,
		&b.Progress.Queued, &b.Progress.Submitted, &b.Progress.Delivered, &b.Progress.Failed)
	return b, err
}

// BulletinByID returns a bulletin with its delivery progress.
func (s *Store) BulletinByID(ctx context.Context, id int64) (Bulletin, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+bulletinCols+` FROM bulletins b LEFT JOIN users u ON u.id = b.created_by WHERE b.id = $1`, id)
	if err != nil {
		return Bulletin{}, interpret(err, "群发")
	}
	b, err := pgx.CollectExactlyOneRow(rows, scanBulletin)
	return b, interpret(err, fmt.Sprintf("群发#%d", id))
}

// ListBulletins returns recent bulletins, newest first.
func (s *Store) ListBulletins(ctx context.Context, limit int) ([]Bulletin, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+bulletinCols+` FROM bulletins b LEFT JOIN users u ON u.id = b.created_by
		ORDER BY b.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, interpret(err, "群发")
	}
	return pgx.CollectRows(rows, scanBulletin)
}

// Towns lists the towns members are registered in, most members first.
func (s *Store) Towns(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT town FROM members WHERE town <> '' GROUP BY town ORDER BY count(*) DESC, town`)
	if err != nil {
		return nil, interpret(err, "会员")
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
