-- What the back office keeps beyond the exchange's own tables: member
-- verification and notes, corrections clerks make, bulletins and who they
-- went to, API clients, and indexes for the clerks' searches.

ALTER TABLE members
    ADD COLUMN verified_at timestamptz,
    ADD COLUMN verified_by bigint REFERENCES users (id),
    ADD COLUMN notes       text NOT NULL DEFAULT '';
CREATE INDEX members_town ON members (town);

-- A clerk's correction of an inbound text or of a listing: what it was,
-- what it became, and who decided.
CREATE TABLE corrections (
    id         bigserial PRIMARY KEY,
    inbound_id bigint REFERENCES inbound (id),
    listing_id bigint REFERENCES listings (id),
    user_id    bigint REFERENCES users (id),
    api_client_id bigint,                 -- or the API client that posted it
    action     text NOT NULL,             -- listing, handled, reparse, edit, cancel, on_behalf
    before     jsonb,
    after      jsonb,
    alias      text NOT NULL DEFAULT '',  -- a word the grammar did not know, added to the lexicon
    created_at timestamptz NOT NULL
);
CREATE INDEX corrections_inbound ON corrections (inbound_id);
CREATE INDEX corrections_listing ON corrections (listing_id);

-- Bulletins: one message to an audience, one outbox row per recipient.
CREATE TABLE bulletins (
    id             bigserial PRIMARY KEY,
    body           text NOT NULL CHECK (body <> ''),
    audience       text NOT NULL CHECK (audience IN ('all', 'town', 'growers', 'buyers')),
    audience_value text NOT NULL DEFAULT '',
    recipients     int NOT NULL DEFAULT 0,
    parts          int NOT NULL DEFAULT 0,   -- SMS parts per recipient
    created_by     bigint NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL
);

CREATE TABLE bulletin_messages (
    bulletin_id bigint NOT NULL REFERENCES bulletins (id),
    outbox_id   bigint NOT NULL REFERENCES outbox (id),
    PRIMARY KEY (bulletin_id, outbox_id)
);

-- Clients of the JSON API under /api/v1, each with its own token (only a
-- hash is stored) and scope.
CREATE TABLE api_clients (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL UNIQUE CHECK (name <> ''),
    token_hash   bytea NOT NULL UNIQUE,
    can_write    boolean NOT NULL DEFAULT false,  -- may post listings on members' behalf
    created_by   bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz
);

ALTER TABLE corrections ADD FOREIGN KEY (api_client_id) REFERENCES api_clients (id),
    ADD CHECK (user_id IS NOT NULL OR api_client_id IS NOT NULL);

CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX inbound_received ON inbound (received_at);
CREATE INDEX outbox_created ON outbox (created_at);
CREATE INDEX listings_created ON listings (created_at);
