// Package smsgw is Huamu's SMS gateway: SMPP 3.4 transceiver binds to each
// carrier's SMSC (through github.com/linxGnu/gosmpp, which never leaks out
// of this package), routing by number prefix with overrides for ported
// numbers, GSM 7-bit and UCS2 encodings with every data_coding mapped,
// concatenation both ways (our own splitter and reassembly: UDH 8/16-bit,
// SAR, message_payload), windowing, delivery receipts and metrics.
//
// The package stores nothing: received texts go to an Inbox that must
// commit before the SMSC is acknowledged, receipts to a ReceiptSink, and the
// outbox (in internal/) calls Enqueue. Its subpackage grammar turns Chinese
// free text into listings and commands.
package smsgw
