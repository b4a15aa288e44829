package intake_test

import "huamu/internal/store"

func storeFilter() store.InboundFilter { return store.InboundFilter{} }

func first(rows []store.Inbound) string {
	if len(rows) == 0 {
		return ""
	}
	return rows[0].Body
}
