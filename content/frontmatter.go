package content

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dc-isss/accord/store"
	"go.yaml.in/yaml/v3"
)

// SplitFrontMatter separates a leading YAML block fenced by "---" lines
// from the Markdown body. bodyLine is the 1-based line where the body starts.
func SplitFrontMatter(b []byte) (front, body []byte, bodyLine int, err error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		return nil, nil, 0, fmt.Errorf("line 1: expected front matter starting with ---")
	}
	rest := text[4:]
	end := strings.Index(rest, "\n---\n")
	if end < 0 {
		if strings.HasSuffix(rest, "\n---") {
			end = len(rest) - 4
		} else {
			return nil, nil, 0, fmt.Errorf("line 1: front matter is not closed with a --- line")
		}
	}
	front = []byte(rest[:end+1])
	bodyLine = 2 + strings.Count(rest[:end+1], "\n") + 1
	if end+5 <= len(rest) {
		body = []byte(rest[end+5:])
	}
	return front, body, bodyLine, nil
}

// yamlToJSON decodes YAML into plain values that encoding/json can carry,
// so that one set of JSON rules (field names, nulls, dates) reads both.
func yamlToJSON(front []byte) ([]byte, error) {
	var v any
	if err := yaml.Unmarshal(front, &v); err != nil {
		return nil, err
	}
	return json.Marshal(plain(v))
}

func plain(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = plain(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = plain(e)
		}
		return x
	case time.Time:
		// YAML reads an unquoted 2020-06-30 as a timestamp; we mean a date.
		return x.Format("2006-01-02")
	default:
		return v
	}
}

// decodeStrict reads JSON into dst, refusing unknown fields.
func decodeStrict(b []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(dst)
}

// ParsePolicy reads one policy file: YAML front matter with the policy's
// JSON fields, and a Markdown body that is its summary. The policy is
// validated; errors name the file's line or the field.
func ParsePolicy(name string, b []byte) (store.Policy, error) {
	if !utf8.Valid(b) {
		return store.Policy{}, fmt.Errorf("%s: not UTF-8 text", name)
	}
	front, body, _, err := SplitFrontMatter(b)
	if err != nil {
		return store.Policy{}, fmt.Errorf("%s: %w", name, err)
	}
	js, err := yamlToJSON(front)
	if err != nil {
		// yaml's messages count lines from the front matter; the file has one more.
		return store.Policy{}, fmt.Errorf("%s: front matter: %w", name, err)
	}
	var p store.Policy
	if err := decodeStrict(js, &p); err != nil {
		return store.Policy{}, fmt.Errorf("%s: front matter: %w", name, err)
	}
	if s := strings.TrimSpace(string(body)); s != "" {
		if p.Summary != "" {
			return store.Policy{}, fmt.Errorf("%s: give the summary either in the front matter or as the body, not both", name)
		}
		p.Summary = s
	}
	if err := p.Validate(); err != nil {
		return store.Policy{}, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// FormatPolicy writes a policy as a file that ParsePolicy reads back.
func FormatPolicy(p store.Policy) ([]byte, error) {
	js, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("format %s: %w", p.Slug, err)
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, fmt.Errorf("format %s: %w", p.Slug, err)
	}
	delete(m, "summary")
	delete(m, "created_at")
	delete(m, "updated_at")
	if ms, ok := m["mappings"].([]any); ok {
		for _, x := range ms {
			if mm, ok := x.(map[string]any); ok {
				delete(mm, "id")
				delete(mm, "policy")
			}
		}
	}
	var buf bytes.Buffer
	buf.WriteString("---\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	// Keys in the order of DESIGN.md, not yaml's alphabetical map order.
	var node yaml.Node
	node.Kind = yaml.MappingNode
	for _, k := range policyKeys {
		v, ok := m[k]
		if !ok {
			continue
		}
		var val yaml.Node
		if err := val.Encode(v); err != nil {
			return nil, fmt.Errorf("format %s: %w", p.Slug, err)
		}
		node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, &val)
	}
	if err := enc.Encode(&node); err != nil {
		return nil, fmt.Errorf("format %s: %w", p.Slug, err)
	}
	enc.Close()
	buf.WriteString("---\n")
	if p.Summary != "" {
		buf.WriteString(p.Summary)
		buf.WriteString("\n")
	}
	return buf.Bytes(), nil
}

var policyKeys = []string{"slug", "title", "short_title", "jurisdictions", "issuer", "type", "status", "status_note",
	"binding", "adopted", "in_force", "url", "sources", "confidence", "language", "topics", "layers", "notes", "provisions", "mappings"}
