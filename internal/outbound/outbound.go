// Package outbound owns every text the exchange sends: what kinds there
// are and the rules each kind carries (kind.go), how long a text may be and
// how it is fitted to that (size.go: one UTF-16 measure, one fit, the
// signature from configuration), the wording of replies and notices
// (texts.go, digest.go, prices.go), and the one way to write a text
// (Outbox.Enqueue), which applies its kind's rules, stores the row through
// internal/store and wakes the senders after the commit.
//
// The sizes themselves (70 UTF-16 units in one UCS2 SMS, 67 in each part of
// a long one) and the UTF-16 measure are defined once in smsgw, which cuts
// the parts on the wire: smsgw is imported by this package and must not
// import internal/..., so the wire's numbers live with the wire and this
// package budgets with them.
//
// The grammar's receipts, help and junk replies stay in smsgw/grammar,
// because they echo how the grammar read the text, in its own vocabulary
// (spec labels, ranges, the side), and every change to the grammar changes
// them too. The grammar returns them as candidates from the most to the
// least detailed and decides no length; Budget.Fit here picks the one that
// fits. Everything the exchange itself says — receipts for a clerk's
// entry, match notices, digests, order news, group-buy texts, price answers
// and bulletins — is worded here or in a function this package fits.
package outbound
