package app_test

import "huamu/internal/store"

func storeFilter(sender string) store.InboundFilter { return store.InboundFilter{Sender: sender} }

func outboxFilter(to string) store.OutboxFilter { return store.OutboxFilter{Recipient: to} }
