// Package content turns text into Accord's domain objects and back: policy
// files (Markdown with YAML front matter), framework files, the jurisdiction
// list, and the content that ships in the binary under builtin/.
package content

import (
	"embed"
	"io/fs"
)

//go:embed builtin
var builtin embed.FS

// Builtin is the shipped content: frameworks/*.yaml, policies/*.md and
// jurisdictions.csv.
func Builtin() fs.FS {
	sub, err := fs.Sub(builtin, "builtin")
	if err != nil {
		panic(err) // the embedded folder exists at build time
	}
	return sub
}

// BuiltinSynonyms is the shipped search vocabulary, synonyms.txt: one
// group of equivalent words per line (see search.ParseSynonyms).
func BuiltinSynonyms() ([]byte, error) {
	return fs.ReadFile(builtin, "builtin/synonyms.txt")
}
