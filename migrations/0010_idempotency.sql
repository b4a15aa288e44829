-- Idempotency keys (issue 11): a request that must take effect once — a
-- bulletin, a listing posted for a member, a group-buy, an API POST — is
-- sent under a key (a back-office form's one-time token, an API client's
-- Idempotency-Key header). The key is written in the transaction of the
-- effect, so the two commit together or not at all, and a repeat of the
-- request is answered with what the first one answered instead of taking
-- effect again. Keys are scoped to the clerk or the API client that sent
-- them and live a day (store.IdempotencyTTL); expired ones are deleted as
-- new ones are used.
CREATE TABLE idempotency_keys (
    id            bigserial PRIMARY KEY,
    user_id       bigint REFERENCES users (id) ON DELETE CASCADE,
    api_client_id bigint REFERENCES api_clients (id) ON DELETE CASCADE,
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash  bytea NOT NULL,        -- SHA-256 of the route and what the request asked
    status        smallint NOT NULL DEFAULT 0,  -- the first answer's HTTP status
    location      text NOT NULL DEFAULT '',     -- a form's: where the first submit led
    message       text NOT NULL DEFAULT '',     -- a form's: what the clerk was told
    body          bytea,                        -- an API request's: the first answer's body
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    CHECK ((user_id IS NULL) <> (api_client_id IS NULL))
);

CREATE UNIQUE INDEX idempotency_keys_user ON idempotency_keys (user_id, key) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX idempotency_keys_api_client ON idempotency_keys (api_client_id, key) WHERE api_client_id IS NOT NULL;
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
