-- What the SMPP gateway needs beyond the walking skeleton: the carrier an
-- MT went out on (for learning ported numbers), the one resend of an MT
-- whose receipt said it expired, the parts resent after a crash left it
-- unknown whether the SMSC had them, and what receipts taught us about
-- each number's carrier.

ALTER TABLE outbox
    ADD COLUMN carrier         text NOT NULL DEFAULT '',      -- of the bind that took it
    ADD COLUMN retry_of        bigint REFERENCES outbox (id), -- resend of an expired MT
    ADD COLUMN ambiguous_parts int NOT NULL DEFAULT 0;        -- resent parts the SMSC may already have had
CREATE UNIQUE INDEX outbox_one_retry ON outbox (retry_of) WHERE retry_of IS NOT NULL;
CREATE INDEX outbox_submitted ON outbox (submitted_at) WHERE state = 'submitted';

-- outbox_parts rows with state 'submitting' (and smsc_message_id '') are
-- written before a part goes to the SMSC and updated when it answers: one
-- left behind by a killed process marks a part whose fate is unknown.

-- members.carrier_override set by experience rather than by a clerk.
ALTER TABLE members ADD COLUMN carrier_learned_at timestamptz;

-- Delivery evidence per number and carrier: undeliverable receipts in a
-- row since the last delivery. Repeated failures on one carrier make the
-- exchange try the number on another.
CREATE TABLE carrier_evidence (
    phone         text NOT NULL,
    carrier       text NOT NULL,
    undeliverable int NOT NULL DEFAULT 0,
    failed_at     timestamptz,
    delivered_at  timestamptz,
    PRIMARY KEY (phone, carrier)
);

-- A receipt can overtake the record of the submit it reports on (an SMSC
-- answering within milliseconds): it waits here, under every form its id
-- may take, until that part is recorded.
CREATE TABLE early_receipts (
    id          bigserial PRIMARY KEY,
    candidates  text[] NOT NULL,
    state       text NOT NULL,
    error_code  text NOT NULL DEFAULT '',
    received_at timestamptz NOT NULL
);
CREATE INDEX early_receipts_candidates ON early_receipts USING gin (candidates);
