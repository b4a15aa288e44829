-- Proxy procurement: the association itself is the buyer of record toward
-- each grower of a group-buy, through an ordinary order the grower confirms
-- or declines by SMS. The association is a member row of its own (it has no
-- mobile number, so nothing is ever texted to it).
ALTER TABLE members ADD COLUMN association boolean NOT NULL DEFAULT false;
ALTER TABLE members DROP CONSTRAINT members_phone_check;
ALTER TABLE members ADD CONSTRAINT members_phone_check CHECK (association OR phone ~ '^1[0-9]{10}$');
CREATE UNIQUE INDEX members_one_association ON members (association) WHERE association;
INSERT INTO members (phone, name, association, created_at)
VALUES ('association', '温江区农村经济信息协会', true, now());

-- A group-buy's purchase orders, one per grower listing drawn.
ALTER TABLE orders ADD COLUMN group_buy_id bigint REFERENCES group_buys (id);
CREATE INDEX orders_group_buy ON orders (group_buy_id) WHERE group_buy_id IS NOT NULL;

-- purchasing: the growers are asked to confirm; the participants are
-- allocated from what they confirm.
ALTER TABLE group_buys DROP CONSTRAINT group_buys_state_check;
ALTER TABLE group_buys ADD CONSTRAINT group_buys_state_check
    CHECK (state IN ('open', 'closed', 'purchasing', 'allocated', 'failed', 'cancelled', 'delivered'));
