package store

import (
	"strconv"
	"strings"
)

// where builds the WHERE clause of a back-office list from the conditions
// its filter sets, numbering the parameters in order. A list and the count
// or search beside it build theirs with the same function (inboundWhere,
// outboxWhere, listingWhere), so they cannot filter differently; and a
// condition left out is not in the SQL at all, so the planner sees only
// what filters.
type where struct {
	conds []string
	args  []any
}

// arg adds v as a parameter and returns its placeholder ($1, $2 …).
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// and adds a condition, written with placeholders from arg.
func (w *where) and(cond string) { w.conds = append(w.conds, cond) }

// sql is " WHERE c1 AND c2 …", or "" when nothing filters.
func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// limit is n when it is within 1..most, else def.
func limit(n, def, most int) int {
	if n <= 0 || n > most {
		return def
	}
	return n
}
