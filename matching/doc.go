// Package matching is the exchange's vocabulary and rules: listings and their
// specs, compatibility and ranking of offers for a demand, orders and their
// lifecycle, group-buys, and the double-entry ledger.
//
// The spec's vocabulary is one table, Dimensions (spec.go): each dimension's
// schema key, Chinese name, unit, kind and how an SMS writes it, in display
// order. The grammar, the exchange, the back office and the texts read it,
// so a new dimension is a row there plus the words the grammar's lexicon
// recognises it by.
//
// Everything here is pure and deterministic: no I/O, no clocks (callers pass
// `now`), no globals. The Postgres store applies these rules inside one
// transaction per business operation; the SMS grammar produces the listings.
// It imports only the standard library and shopspring/decimal.
package matching
