package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/search"
)

// synonymsFile is the data folder's own search vocabulary, added to the
// shipped one when the server starts.
const synonymsFile = "synonyms.txt"

// loadSynonyms reads the shipped search vocabulary and, when the data
// folder has one, its synonyms.txt, whose groups are added to it.
func loadSynonyms(data string) (*search.Synonyms, error) {
	raw, err := content.BuiltinSynonyms()
	if err != nil {
		return nil, fmt.Errorf("read shipped synonyms: %w", err)
	}
	shipped, err := search.ParseSynonyms("shipped synonyms.txt", bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	path := filepath.Join(data, synonymsFile)
	own, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return shipped, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	extra, err := search.ParseSynonyms(path, bytes.NewReader(own))
	if err != nil {
		return nil, err
	}
	return shipped.Merge(extra), nil
}
