package store

import (
	"context"
	"time"
)

// SessionBeat is how often a process says its SMPP sessions are alive;
// after three beats of silence its sessions count as ended at its last.
const SessionBeat = 5 * time.Second

// SessionStarted records that an SMPP session began in the process that
// holds lease key key (0: none), whose lock tells whether it still lives.
func (s *Store) SessionStarted(ctx context.Context, id, bind string, key int64) error {
	now := s.now()
	_, err := s.pool.Exec(ctx, `INSERT INTO smpp_sessions (id, bind, key, started_at, alive_at) VALUES ($1, $2, $3, $4, $4)
		ON CONFLICT (id) DO NOTHING`, id, bind, key, now)
	return interpret(err, "会话")
}

// SessionEnded records that an SMPP session ended; clean when every
// acknowledgement it owed was written before it closed.
func (s *Store) SessionEnded(ctx context.Context, id string, clean bool) error {
	now := s.now()
	_, err := s.pool.Exec(ctx, `UPDATE smpp_sessions SET ended_at = $2, alive_at = $2, clean = $3 WHERE id = $1`, id, now, clean)
	return interpret(err, "会话")
}

// SessionsAlive says that the sessions ids still live, and forgets
// sessions that ended or went silent two days ago: a redelivery comes
// within minutes.
func (s *Store) SessionsAlive(ctx context.Context, ids []string) error {
	now := s.now()
	return s.InTx(ctx, func(tx *Tx) error {
		if len(ids) > 0 {
			if _, err := tx.tx.Exec(ctx, `UPDATE smpp_sessions SET alive_at = $2 WHERE id = ANY($1) AND ended_at IS NULL`,
				ids, now); err != nil {
				return interpret(err, "会话")
			}
		}
		_, err := tx.tx.Exec(ctx, `DELETE FROM smpp_sessions WHERE alive_at < $1`, now.Add(-48*time.Hour))
		return interpret(err, "会话")
	})
}
