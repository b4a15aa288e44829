// Package matching is the exchange's vocabulary and rules: listings and their
// specs, compatibility and ranking of offers for a demand, orders and their
// lifecycle, group-buys, and the double-entry ledger.
//
// Everything here is pure and deterministic: no I/O, no clocks (callers pass
// `now`), no globals. The Postgres store applies these rules inside one
// transaction per business operation; the SMS grammar produces the listings.
// It imports only the standard library and shopspring/decimal.
package matching
