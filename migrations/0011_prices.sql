-- Market prices from real deals (issue 14): subscriptions to the weekly
-- price bulletin, the bulletin's one row per week (fired once across
-- processes and restarts), and the indexes the price index reads by.

-- 订阅 桂花 紫薇: one row per member and species (at most five per member,
-- checked by the exchange). 退订行情 and 退订 delete them.
CREATE TABLE price_subscriptions (
    seq        bigserial,                     -- the order they were made in
    member_id  bigint NOT NULL REFERENCES members (id),
    species    text NOT NULL CHECK (species <> ''),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (member_id, species)
);
CREATE INDEX price_subscriptions_species ON price_subscriptions (species);

-- The weekly bulletin, one row per Monday it is due on. A process inserts
-- the week's row once it is due and sends the bulletin in the transaction
-- that moves the row from 'due' to 'sent', holding the row's lock (others
-- skip it), so the bulletin goes out once however many processes run. A
-- week the system was down past its bulletin's time by two days has no row.
CREATE TABLE price_bulletins (
    monday      date PRIMARY KEY,                 -- China date of the Monday it is due on
    due_at      timestamptz NOT NULL,             -- that Monday 08:00 China time
    state       text NOT NULL DEFAULT 'due' CHECK (state IN ('due', 'sent')),
    bulletin_id bigint REFERENCES bulletins (id), -- its texts, counted like any bulletin
    fired_at    timestamptz
);

-- A bulletin the system sends has no clerk behind it, and goes to the
-- subscribers of the species it covers.
ALTER TABLE bulletins ALTER COLUMN created_by DROP NOT NULL;
ALTER TABLE bulletins DROP CONSTRAINT bulletins_audience_check;
ALTER TABLE bulletins ADD CONSTRAINT bulletins_audience_check
    CHECK (audience IN ('all', 'town', 'growers', 'buyers', 'price_subscribers'));

-- Deals of a species by time (the index reads a few weeks of one species).
CREATE INDEX orders_species_deals ON orders (species, created_at) WHERE state IN ('confirmed', 'delivered');
-- Asks and bids of a species standing in a span of weeks.
CREATE INDEX listings_species_expiry ON listings (species, expires_at);
