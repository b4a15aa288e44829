-- Hot queues apart from the history. A worker claims texts by deleting
-- them from inbound_queue, and a sender leases MTs in outbox_queue, so that
-- neither ever walks over the rows already processed: inbound and outbox
-- keep growing, the queues hold only what is waiting.
--
-- Triggers keep the queues complete whatever writes the history (an MO,
-- a clerk's "parse again", an order's notice, a bulletin to 20,000
-- numbers): every inbound row in state 'new' and every outbox row in state
-- 'queued' has its queue row.

CREATE TABLE inbound_queue (
    inbound_id bigint PRIMARY KEY -- no foreign key: the row is written with its inbound row, and checked for nothing else
);

-- outbox_queue rows are due at due_at. A sender leases a row by writing
-- lease_until, lease_owner (a token naming the lease) and lease_key (an
-- advisory lock its process holds on a connection of its own for as long as
-- it lives); a row is free again when its lease ends, or at once when its
-- lease_key's lock is free because the process died with its connection.
-- The sender deletes the row once the MT's fate is recorded, or sets the
-- next attempt's due_at and ends the lease. A row leased again while its
-- lease_owner is still set is one whose sender died or hung mid-attempt: its
-- parts without an SMSC id may have reached the SMSC, and are resent and
-- counted as ambiguous.
CREATE TABLE outbox_queue (
    outbox_id   bigint PRIMARY KEY,
    due_at      timestamptz NOT NULL,
    lease_until timestamptz,
    lease_owner text NOT NULL DEFAULT '',
    lease_key   bigint NOT NULL DEFAULT 0
) WITH (fillfactor = 70); -- room for a lease's update beside the row (HOT: no index touched)
CREATE INDEX outbox_queue_due ON outbox_queue (due_at);

-- History rows change once or twice within moments of being written (a
-- text is answered; an MT is submitted, then delivered): leave room on
-- each page for the new versions, so that those updates stay on the page
-- and touch no index (heap-only tuples). Measured at load: with full pages
-- half of them rewrote every index of the row.
ALTER TABLE inbound SET (fillfactor = 50);
ALTER TABLE outbox SET (fillfactor = 50);
ALTER TABLE outbox_parts SET (fillfactor = 60);
-- No query reads it, and it made every change of an MT's state rewrite
-- the MT's index entries.
DROP INDEX outbox_submitted;
-- Texts come in, and MTs are written, in time order: a block-range index
-- serves the day and month counts of the dashboard and the log's date
-- filter at a fraction of a B-tree's cost per row.
DROP INDEX inbound_received;
DROP INDEX outbox_created;
CREATE INDEX inbound_received ON inbound USING brin (received_at) WITH (pages_per_range = 16);
CREATE INDEX outbox_created ON outbox USING brin (created_at) WITH (pages_per_range = 16);

-- Small tables with a high turnover: vacuum them after a few thousand
-- dead rows instead of a fraction of their (small) size. The exchange also
-- vacuums them itself (store.VacuumQueues), for servers that run without
-- autovacuum.
-- Never truncate them: giving the empty pages at the end back takes a lock
-- that stops every claim while the table is scanned for them.
ALTER TABLE inbound_queue SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
    autovacuum_vacuum_cost_delay = 0, vacuum_truncate = false);
ALTER TABLE outbox_queue SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
    autovacuum_vacuum_cost_delay = 0, vacuum_truncate = false);

INSERT INTO inbound_queue (inbound_id) SELECT id FROM inbound WHERE state = 'new';
INSERT INTO outbox_queue (outbox_id, due_at) SELECT id, next_attempt_at FROM outbox WHERE state = 'queued';
DROP INDEX inbound_new;
DROP INDEX outbox_due;

CREATE FUNCTION inbound_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO inbound_queue (inbound_id) SELECT id FROM new_rows WHERE state = 'new';
    RETURN NULL;
END $$;
CREATE TRIGGER inbound_enqueue AFTER INSERT ON inbound REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION inbound_enqueue();

CREATE FUNCTION inbound_requeue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO inbound_queue (inbound_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER inbound_requeue AFTER UPDATE OF state ON inbound
    FOR EACH ROW WHEN (NEW.state = 'new' AND OLD.state <> 'new') EXECUTE FUNCTION inbound_requeue();

CREATE FUNCTION outbox_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox_queue (outbox_id, due_at) SELECT id, next_attempt_at FROM new_rows WHERE state = 'queued';
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_enqueue AFTER INSERT ON outbox REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_enqueue();

-- A receipt's message id names a part only among the parts sent on the
-- binds of the SMSC account it came from (another SMSC may use the same
-- id): one that waits for its part keeps those binds.
ALTER TABLE early_receipts ADD COLUMN binds text[] NOT NULL DEFAULT '{}';

-- A text seen twice is a redelivery only when its SMSC may not have had
-- our acknowledgement of the first copy: the session it came on ended
-- (uncleanly) soon after, or its process died, or it was stored late. A
-- person sending the same text again is a new text. smpp_sessions keeps
-- each session's life; each process says every few seconds that its
-- sessions live (alive_at), and holds its lease key's lock while it lives,
-- so a dead process's sessions end, at once, with its last word. A
-- redelivery is stored too, as a duplicate of the first copy, shown in the
-- SMS log and counted; it is not handled again.
CREATE TABLE smpp_sessions (
    id         text PRIMARY KEY,     -- gateway/bind/number
    bind       text NOT NULL,
    key        bigint NOT NULL DEFAULT 0, -- the process's lease key: its advisory lock is free once it died
    started_at timestamptz NOT NULL,
    alive_at   timestamptz NOT NULL,
    ended_at   timestamptz,
    clean      boolean NOT NULL DEFAULT false -- ended by a stop that answered everything first
);
ALTER TABLE inbound
    ADD COLUMN session      text NOT NULL DEFAULT '',
    ADD COLUMN stored_at    timestamptz,
    ADD COLUMN duplicate_of bigint REFERENCES inbound (id);
ALTER TABLE inbound DROP CONSTRAINT inbound_state_check;
ALTER TABLE inbound ADD CONSTRAINT inbound_state_check
    CHECK (state IN ('new', 'done', 'needs_clerk', 'resolved', 'duplicate'));
ALTER TABLE inbound DROP CONSTRAINT inbound_dedup_key_key;
CREATE INDEX inbound_dedup ON inbound (dedup_key, id);
