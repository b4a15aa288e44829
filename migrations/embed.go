// Package migrations holds Huamu's schema as numbered, forward-only SQL files,
// embedded into the binary. `huamu migrate` (and `huamu serve` at start)
// applies them in order; a shipped file is never edited, only followed.
package migrations

import "embed"

// FS holds every NNNN_name.sql file of this directory.
//
//go:embed *.sql
var FS embed.FS
