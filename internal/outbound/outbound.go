// Package outbound owns every text the exchange sends:
//
//   - kind.go: the kinds of text there are, each with its Chinese name
//     for the back office and whether it is unsolicited (not written for
//     a number that opted out with 退订, never resent to one that opted
//     out since);
//   - size.go: how long a text may be and how it is fitted to that — one
//     UTF-16 measure (Len), one fit (Budget.Fit), one cut, one part count,
//     all counting the carrier signature from configuration
//     (HUAMU_SMS_SIGNATURE);
//   - enqueue.go: the one way to write a text (Outbox.Enqueue, and
//     Outbox.SendBulletin for a clerk's bulletin), which applies the
//     kind's rules, writes the row through internal/store with what the
//     store needs to act on (unsolicited, planned parts), and wakes the
//     senders once after the commit;
//   - the wording: offerline.go (an offer in one line), texts.go (listings
//     and matches), digest.go, order.go, replies.go (answers to commands),
//     groupbuy.go, prices.go.
//
// The sizes themselves (70 UTF-16 units in one UCS2 SMS, 67 in each part
// of a long one) and the UTF-16 measure are defined once in smsgw, which
// cuts the parts on the wire. smsgw must not import internal/..., and
// this package builds on smsgw anyway (Parts asks smsgw.Plan how the
// gateway will split a text), so the wire's numbers live with the wire and
// this package budgets with them; matching and the grammar measure
// nothing.
//
// The grammar's receipts, help and junk replies stay in smsgw/grammar,
// because they echo how the grammar read the text in its own vocabulary
// (spec labels, ranges, the side) and change whenever the grammar does.
// The grammar returns them as candidates from the most to the least
// detailed and decides no length; Budget.Fit here picks the one that
// fits. Refusals are the domain error's Chinese message (matching.Errorf),
// fitted here like any reply.
//
// Adding a notice: a Kind constant with its row in kinds (kind.go), a
// function for its wording next to its kin, and a call to Outbox.Enqueue
// where the change that causes it is made — plus a test of the wording.
package outbound
