package matching

import "github.com/shopspring/decimal"

// Money rules, in one place:
//   - Amounts are yuan as decimal.Decimal (NUMERIC(14,2) in Postgres), never float.
//   - A stored amount has exactly two places. Prices arrive with at most two
//     (八分钱 = 0.08); anything finer is rounded half away from zero (Round2).
//   - A line total is unit price × quantity, computed exactly, then rounded
//     half away from zero to the fen. Sums are taken of rounded line totals,
//     so a statement always adds up to what each line shows.
//   - Amounts render with StringFixed(2): "0.80", never "0.8".

// Round2 rounds to the fen (0.01 yuan), half away from zero.
func Round2(d decimal.Decimal) decimal.Decimal { return d.Round(2) }

// LineTotal is unit × qty rounded to the fen.
func LineTotal(unit decimal.Decimal, qty int64) decimal.Decimal {
	return Round2(unit.Mul(decimal.NewFromInt(qty)))
}

// Yuan renders an amount the way every reply and page shows it.
func Yuan(d decimal.Decimal) string { return d.StringFixed(2) }
