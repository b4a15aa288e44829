-- Orders, the double-entry ledger, and held match notices (issue 5).

-- An order is a buyer's proposal for part of one supply listing, at the
-- listing's unit price; it reserves its qty of the listing while proposed
-- and keeps it once confirmed. inbound_id is the 订 text that made it: a
-- replayed text can never make a second order.
CREATE TABLE orders (
    id          bigserial PRIMARY KEY,
    inbound_id  bigint UNIQUE REFERENCES inbound (id),
    listing_id  bigint NOT NULL REFERENCES listings (id),
    buyer_id    bigint NOT NULL REFERENCES members (id),
    seller_id   bigint NOT NULL REFERENCES members (id),
    species     text NOT NULL,
    variety     text NOT NULL DEFAULT '',
    qty         bigint NOT NULL CHECK (qty > 0),
    unit        text NOT NULL,
    unit_price  numeric(14, 2) NOT NULL CHECK (unit_price > 0),
    -- Line total: unit_price × qty rounded half away from zero to the fen,
    -- exactly as matching.LineTotal computes it (PostgreSQL's round(numeric)
    -- also rounds half away from zero).
    total       numeric(16, 2) NOT NULL CHECK (total = round(unit_price * qty, 2)),
    state       text NOT NULL
                CHECK (state IN ('proposed', 'confirmed', 'declined', 'expired', 'cancelled', 'delivered')),
    note        text NOT NULL DEFAULT '',   -- a clerk's reason, who settled it
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CHECK (buyer_id <> seller_id)
);
CREATE INDEX orders_due ON orders (expires_at, id) WHERE state = 'proposed';
CREATE INDEX orders_seller_pending ON orders (seller_id, id) WHERE state = 'proposed';
CREATE INDEX orders_buyer ON orders (buyer_id, id DESC);
CREATE INDEX orders_listing ON orders (listing_id);
CREATE INDEX orders_state ON orders (state, id DESC);

CREATE INDEX listings_expiry ON listings (expires_at) WHERE state = 'open';

-- The ledger: entries of postings that sum to zero, append-only.
-- Sign: a positive amount is a debit, a negative one a credit (see
-- matching/ledger.go). (kind, ref) is unique, so a business event is posted
-- at most once.
CREATE TABLE ledger_entries (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL CHECK (kind ~ '^[a-z_]+$'),  -- matching.EntryKind; new kinds need no migration
    ref        text NOT NULL CHECK (ref <> ''),
    at         timestamptz NOT NULL,
    inbound_id bigint REFERENCES inbound (id),   -- the text that caused it, if any
    user_id    bigint REFERENCES users (id),     -- the clerk who recorded it, if any
    memo       text NOT NULL DEFAULT '',
    UNIQUE (kind, ref)
);

CREATE TABLE ledger_postings (
    id        bigserial PRIMARY KEY,
    entry_id  bigint NOT NULL REFERENCES ledger_entries (id),
    account   text NOT NULL
              CHECK (account ~ '^(assoc:(cash|fees)|member:[1-9][0-9]*:(receivable|payable))$'),
    amount    numeric(14, 2) NOT NULL CHECK (amount <> 0),
    member_id bigint GENERATED ALWAYS AS (
                  CASE WHEN account LIKE 'member:%' THEN split_part(account, ':', 2)::bigint END) STORED
);
CREATE INDEX ledger_postings_entry ON ledger_postings (entry_id);
CREATE INDEX ledger_postings_member ON ledger_postings (member_id, entry_id) WHERE member_id IS NOT NULL;

-- Each entry's postings sum to zero and there are at least two of them,
-- checked at commit (DEFERRABLE INITIALLY DEFERRED), so the postings of one
-- entry can be inserted one by one in a transaction.
CREATE FUNCTION ledger_check_entry() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    eid bigint;
    total numeric;
    n int;
BEGIN
    IF TG_TABLE_NAME = 'ledger_entries' THEN
        eid := NEW.id;
    ELSE
        eid := NEW.entry_id;
    END IF;
    SELECT coalesce(sum(amount), 0), count(*) INTO total, n FROM ledger_postings WHERE entry_id = eid;
    IF n < 2 THEN
        RAISE EXCEPTION 'ledger entry % has % postings, needs at least 2', eid, n USING ERRCODE = '23514';
    END IF;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger entry % does not balance: postings sum to %', eid, total USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_postings_balance AFTER INSERT ON ledger_postings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry();
CREATE CONSTRAINT TRIGGER ledger_entries_balance AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry();

-- Append-only: a mistake is undone by a reversal entry, never by editing.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = '42501';
END $$;

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON ledger_postings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- Match notices held back by the daily cap, for the number's next digest.
CREATE TABLE notify_held (
    id         bigserial PRIMARY KEY,
    phone      text NOT NULL,
    listing_id bigint NOT NULL REFERENCES listings (id),
    created_at timestamptz NOT NULL,
    sent_at    timestamptz,                  -- set when a digest carried it, or it was dropped
    UNIQUE (phone, listing_id)
);
CREATE INDEX notify_held_pending ON notify_held (phone, id) WHERE sent_at IS NULL;
CREATE INDEX outbox_kind_day ON outbox (recipient, created_at) WHERE kind IN ('match', 'digest');
