-- Members: everyone who texts the exchange, and the numbers clerks enter.
CREATE TABLE members (
    id               bigserial PRIMARY KEY,
    phone            text NOT NULL UNIQUE CHECK (phone ~ '^1[0-9]{10}$'),
    name             text NOT NULL DEFAULT '',
    town             text NOT NULL DEFAULT '',
    village          text NOT NULL DEFAULT '',
    carrier_override text CHECK (carrier_override IN ('mobile', 'unicom', 'telecom', 'broadnet')),
    stopped_at       timestamptz,            -- opted out (退订); nothing unsolicited is sent
    created_at       timestamptz NOT NULL
);

-- Inbound SMS (MO), one row per complete text, committed before the SMSC is acked.
CREATE TABLE inbound (
    id           bigserial PRIMARY KEY,
    dedup_key    text NOT NULL UNIQUE,       -- a redelivered deliver_sm maps to the same key
    bind         text NOT NULL,
    carrier      text NOT NULL DEFAULT '',
    sender       text NOT NULL,
    recipient    text NOT NULL DEFAULT '',
    body         text NOT NULL,
    received_at  timestamptz NOT NULL,
    state        text NOT NULL DEFAULT 'new'
                 CHECK (state IN ('new', 'done', 'needs_clerk', 'resolved')),
    outcome      text NOT NULL DEFAULT '',   -- what became of it, in Chinese, for clerks
    reason       text NOT NULL DEFAULT '',   -- why it needs a clerk (no_side, fragment, flood, ...)
    parse        jsonb,                      -- the grammar's result
    processed_at timestamptz
);
CREATE INDEX inbound_new ON inbound (id) WHERE state = 'new';
CREATE INDEX inbound_sender ON inbound (sender, id DESC);

-- Listings: one row per item of an offer or a request.
CREATE TABLE listings (
    id          bigserial PRIMARY KEY,
    inbound_id  bigint REFERENCES inbound (id),
    member_id   bigint NOT NULL REFERENCES members (id),
    side        text NOT NULL CHECK (side IN ('supply', 'demand')),
    species     text NOT NULL,
    variety     text NOT NULL DEFAULT '',
    attrs       text[] NOT NULL DEFAULT '{}',
    spec        jsonb NOT NULL DEFAULT '{}',
    qty_min     bigint CHECK (qty_min >= 0),
    qty_max     bigint CHECK (qty_max >= 0),
    unit        text NOT NULL DEFAULT '株',
    remaining   bigint NOT NULL CHECK (remaining >= 0),
    price_min   numeric(14, 2),
    price_max   numeric(14, 2),
    price_per   text NOT NULL DEFAULT '',
    price_total numeric(14, 2),
    price_terms text NOT NULL DEFAULT '',
    negotiable  boolean NOT NULL DEFAULT false,
    city        text NOT NULL DEFAULT '',
    district    text NOT NULL DEFAULT '',
    town        text NOT NULL DEFAULT '',
    village     text NOT NULL DEFAULT '',
    contact     text NOT NULL DEFAULT '',
    urgent      boolean NOT NULL DEFAULT false,
    state       text NOT NULL DEFAULT 'open'
                CHECK (state IN ('open', 'filled', 'cancelled', 'expired')),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX listings_open ON listings (species, side, id) WHERE state = 'open';
CREATE INDEX listings_member ON listings (member_id, id DESC);

-- Outbound SMS (MT), written in the transaction of the change that causes it.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    inbound_id      bigint REFERENCES inbound (id),
    recipient       text NOT NULL,
    body            text NOT NULL,
    kind            text NOT NULL,           -- receipt, match, help, reply, ...
    state           text NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'submitted', 'delivered', 'failed')),
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    bind            text NOT NULL DEFAULT '',
    parts           int NOT NULL DEFAULT 0,
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    submitted_at    timestamptz,
    final_at        timestamptz
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'queued';
CREATE INDEX outbox_recipient ON outbox (recipient, id DESC);

-- One row per submitted part: the SMSC's message id and its delivery receipt.
CREATE TABLE outbox_parts (
    outbox_id       bigint NOT NULL REFERENCES outbox (id),
    seq             int NOT NULL,
    smsc_message_id text NOT NULL,
    state           text NOT NULL DEFAULT 'submitted',
    error_code      text NOT NULL DEFAULT '',
    submitted_at    timestamptz NOT NULL,
    receipt_at      timestamptz,
    PRIMARY KEY (outbox_id, seq)
);
CREATE INDEX outbox_parts_msgid ON outbox_parts (smsc_message_id);

-- Back-office accounts, sessions and the audit log.
CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    login         text NOT NULL UNIQUE,
    name          text NOT NULL DEFAULT '',
    role          text NOT NULL CHECK (role IN ('admin', 'clerk', 'readonly')),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL
);

CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,            -- sha256 of the cookie value
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE audit_log (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL,
    user_id bigint REFERENCES users (id),
    action  text NOT NULL,
    object  text NOT NULL DEFAULT '',
    detail  text NOT NULL DEFAULT ''
);

-- Parts of long MOs, committed (and acked) one by one as they arrive, and
-- joined into one inbound row when the last one is in. Parts that never
-- complete are handed on after a timeout as a fragment for a clerk.
CREATE TABLE inbound_parts (
    id          bigserial PRIMARY KEY,
    dedup_key   text NOT NULL UNIQUE,
    bind        text NOT NULL,
    carrier     text NOT NULL DEFAULT '',
    sender      text NOT NULL,
    recipient   text NOT NULL DEFAULT '',
    ref         int NOT NULL,
    total       int NOT NULL CHECK (total BETWEEN 2 AND 255),
    seq         int NOT NULL CHECK (seq BETWEEN 1 AND total),
    data_coding smallint NOT NULL,
    body        bytea NOT NULL,
    received_at timestamptz NOT NULL,
    inbound_id  bigint REFERENCES inbound (id)   -- set when joined or handed on
);
CREATE INDEX inbound_parts_open ON inbound_parts (sender, ref, total) WHERE inbound_id IS NULL;
