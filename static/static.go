// Package static holds the stylesheet, the small optional script and the
// icons, embedded so the binary serves them with no files beside it.
package static

import "embed"

// FS holds css/, js/ and img/.
//
//go:embed css js img
var FS embed.FS
