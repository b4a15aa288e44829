-- Group-buys (团购 / 代采购): a clerk pools many small demands into one
-- order that goes ahead at its tipping point, allocated across growers.

CREATE TABLE group_buys (
    id         bigserial PRIMARY KEY,
    species    text NOT NULL,
    variety    text NOT NULL DEFAULT '',
    spec       jsonb NOT NULL DEFAULT '{}',
    attrs      text[] NOT NULL DEFAULT '{}',
    unit       text NOT NULL DEFAULT '株',
    price      numeric(14, 2) NOT NULL CHECK (price > 0),       -- per unit, to participants
    min_total  bigint NOT NULL CHECK (min_total > 0),            -- tipping point
    cap        bigint NOT NULL DEFAULT 0 CHECK (cap = 0 OR cap >= min_total),
    min_each   bigint NOT NULL CHECK (min_each > 0),
    step       bigint NOT NULL DEFAULT 1 CHECK (step > 0),
    deadline   timestamptz NOT NULL,
    city       text NOT NULL DEFAULT '',
    district   text NOT NULL DEFAULT '',
    town       text NOT NULL DEFAULT '',
    village    text NOT NULL DEFAULT '',
    state      text NOT NULL DEFAULT 'open'
               CHECK (state IN ('open', 'closed', 'allocated', 'failed', 'cancelled', 'delivered')),
    reason     text NOT NULL DEFAULT '',                         -- why it failed or was cancelled
    created_by bigint REFERENCES users (id),
    created_at timestamptz NOT NULL,
    closed_at  timestamptz
);
CREATE INDEX group_buys_due ON group_buys (deadline) WHERE state = 'open';

-- One commitment per participant; changed in place, removed on leaving.
CREATE TABLE group_buy_commitments (
    group_buy_id bigint NOT NULL REFERENCES group_buys (id),
    member_id    bigint NOT NULL REFERENCES members (id),
    qty          bigint NOT NULL CHECK (qty > 0),
    joined_at    timestamptz NOT NULL,   -- join order decides ties; kept when the qty changes
    updated_at   timestamptz NOT NULL,
    allocated    bigint CHECK (allocated >= 0),  -- set when the allocation is confirmed
    PRIMARY KEY (group_buy_id, member_id)
);

-- Numbers invited by SMS, so nobody is invited twice.
CREATE TABLE group_buy_invites (
    group_buy_id bigint NOT NULL REFERENCES group_buys (id),
    member_id    bigint NOT NULL REFERENCES members (id),
    invited_at   timestamptz NOT NULL,
    PRIMARY KEY (group_buy_id, member_id)
);

-- The confirmed allocation: who gets how many from which grower's listing.
CREATE TABLE group_buy_lines (
    id           bigserial PRIMARY KEY,
    group_buy_id bigint NOT NULL REFERENCES group_buys (id),
    member_id    bigint NOT NULL REFERENCES members (id),
    listing_id   bigint NOT NULL REFERENCES listings (id),
    grower_id    bigint NOT NULL REFERENCES members (id),
    qty          bigint NOT NULL CHECK (qty > 0),
    unit_cost    numeric(14, 2) NOT NULL CHECK (unit_cost > 0)
);
CREATE INDEX group_buy_lines_gb ON group_buy_lines (group_buy_id);
