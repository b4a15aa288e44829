-- What internal/outbound decided about a text, kept on its row so that the
-- store acts on data, not on kind names:
--   unsolicited    the text was not asked for (a match notice, a digest, a
--                  bulletin, an invitation): it is never resent to a number
--                  that has opted out (退订) since.
--   planned_parts  the UCS2 parts the text costs with the signature, counted
--                  in UTF-16 units when it was written; `parts` stays what the
--                  gateway actually submitted.
ALTER TABLE outbox
    ADD COLUMN unsolicited   boolean NOT NULL DEFAULT false,
    ADD COLUMN planned_parts int NOT NULL DEFAULT 0;

-- Texts still in flight may yet be resent: mark them by the kinds that were
-- unsolicited when they were written. Settled history is left as it is.
UPDATE outbox SET unsolicited = true
WHERE kind IN ('match', 'digest', 'bulletin', 'invite') AND state IN ('queued', 'submitted');
