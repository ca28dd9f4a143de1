// Package migrations holds the numbered SQL files that build Accord's schema.
// Files are applied in name order, each in its own transaction, and recorded
// in schema_migrations; an applied file is never edited, only followed by a
// new one.
package migrations

import "embed"

// FS holds every migration file, named NNNN_description.sql.
//
//go:embed *.sql
var FS embed.FS
