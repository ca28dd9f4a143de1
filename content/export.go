package content

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/dc-isss/accord/store"
)

// Export formats, as `accord export --format` and /policies/export?format=
// name them.
var ExportFormats = []string{"json", "csv", "markdown"}

// portable strips what belongs to one instance (timestamps, mapping ids),
// so that an export imported elsewhere exports again byte for byte.
func portable(p store.Policy) store.Policy {
	p.CreatedAt, p.UpdatedAt = time.Time{}, time.Time{}
	p.CreatedBy, p.UpdatedBy = "", ""
	ms := make([]store.Mapping, len(p.Mappings))
	for i, m := range p.Mappings {
		m.ID, m.Policy = 0, ""
		ms[i] = m
	}
	p.Mappings = ms
	if p.Provisions == nil {
		p.Provisions = []store.Provision{}
	}
	return p
}

// WriteJSON writes policies as the JSON array that ParseJSON reads.
func WriteJSON(w io.Writer, ps []store.Policy) error {
	out := make([]store.Policy, len(ps))
	for i, p := range ps {
		out[i] = portable(p)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// WriteMarkdownZip writes a zip archive with one <slug>.md file per
// policy, in the format of the shipped content; ParseFile reads it back.
func WriteMarkdownZip(w io.Writer, ps []store.Policy) error {
	zw := zip.NewWriter(w)
	for _, p := range ps {
		b, err := FormatPolicy(portable(p))
		if err != nil {
			return err
		}
		f, err := zw.Create(p.Slug + ".md")
		if err != nil {
			return fmt.Errorf("write zip: %w", err)
		}
		if _, err := f.Write(b); err != nil {
			return fmt.Errorf("write zip: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write zip: %w", err)
	}
	return nil
}

// Export writes policies in one format: "json", "csv" or
// "markdown" (a zip of .md files).
func Export(w io.Writer, ps []store.Policy, format string) error {
	switch format {
	case "json":
		return WriteJSON(w, ps)
	case "csv":
		return WriteCSV(w, ps)
	case "markdown":
		return WriteMarkdownZip(w, ps)
	}
	return fmt.Errorf("unknown export format %q; use json, csv or markdown", format)
}
