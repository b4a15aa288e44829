package web

import (
	"net/http"
	"strings"

	"huamu/matching"
)

// memberStatement is a member's account with the association: every
// posting to their receivable and payable with the running balance, all
// derived from the ledger's postings.
func (s *Server) memberStatement(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	m, err := s.store.MemberByID(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lines, bal, err := s.store.MemberStatement(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type row struct {
		matching.StatementLine
		KindName, AccountName string
	}
	rows := make([]row, len(lines))
	for i, l := range lines {
		acct := "应收(欠协会)"
		if strings.HasSuffix(string(l.Account), ":payable") {
			acct = "应付(协会欠)"
		}
		rows[i] = row{StatementLine: l, KindName: entryKindName(l.Kind), AccountName: acct}
	}
	s.render(w, r, http.StatusOK, "statement", page{Title: "对账单 " + m.Phone, Nav: "members",
		Data: map[string]any{"M": m, "Lines": rows, "Balance": bal}})
}

// entryKindName is a ledger entry kind as clerks read it.
func entryKindName(k matching.EntryKind) string {
	switch k {
	case matching.EntryOrderConfirmed:
		return "订单成交"
	case matching.EntryPaymentIn:
		return "买家付款"
	case matching.EntryPaymentOut:
		return "付款给卖家"
	case matching.EntryPaymentDirect:
		return "买家直接付卖家"
	case matching.EntryReversal:
		return "冲正"
	case matching.EntryGroupBuy:
		return "团购分配"
	}
	return string(k)
}
