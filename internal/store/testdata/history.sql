-- A history of N texts already handled (N replaced before use): each an
-- inbound row answered, its reply delivered and receipted, spread over the
-- last 30 days, as a district's exchange has after months of work. Used by
-- BenchmarkPipeline and internal/devenv/loadbench.sh (LOADBENCH_HISTORY).
INSERT INTO inbound (dedup_key, bind, carrier, sender, recipient, body, received_at, state, outcome, reason, parse, processed_at)
SELECT 'hist:' || g, 'mobile-1', 'mobile', '13' || lpad((g % 900000000)::text, 9, '0'), '10690000', '帮助',
    now() - interval '30 days' + g * (interval '30 days' / N), 'done', '回复帮助', '',
    '{"type": "command", "command": "help", "args": {}}',
    now() - interval '30 days' + g * (interval '30 days' / N)
FROM generate_series(1, N) g;

INSERT INTO outbox (inbound_id, recipient, body, kind, next_attempt_at, created_at, state, attempts, bind, carrier,
    parts, submitted_at, final_at)
SELECT id, sender, '发"供 桂花 8公分 200株 600元 万春镇"登记货源，"求购 桂花 8公分"找货', 'help', received_at, received_at,
    'delivered', 1, 'mobile-1', 'mobile', 1, received_at, received_at
FROM inbound WHERE dedup_key LIKE 'hist:%';

INSERT INTO outbox_parts (outbox_id, seq, smsc_message_id, state, submitted_at, receipt_at)
SELECT id, 1, 'hist' || id, 'delivered', created_at, created_at FROM outbox WHERE bind = 'mobile-1' AND kind = 'help'
    AND NOT EXISTS (SELECT 1 FROM outbox_parts p WHERE p.outbox_id = outbox.id);

ANALYZE inbound;
ANALYZE outbox;
ANALYZE outbox_parts;
