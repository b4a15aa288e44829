-- Hardening (issue 11). An order's total is numeric(16,2) but the ledger
-- posting its confirmation makes is numeric(14,2): an order above what a
-- posting holds could be proposed and never confirmed. matching's bounds
-- (bounds.go) keep every order far below; this is the last line of defence.
ALTER TABLE orders ADD CONSTRAINT orders_total_fits_ledger CHECK (total <= 999999999999.99);
