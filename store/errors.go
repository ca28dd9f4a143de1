package store

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Sentinel errors callers act on; wrapped errors keep them visible to
// errors.Is.
var (
	// ErrNotFound means the object asked for does not exist (or the caller
	// may not see it).
	ErrNotFound = errors.New("not found")
	// ErrConflict means the write would break a uniqueness rule or a
	// concurrent change got there first.
	ErrConflict = errors.New("conflict")
)

// ValidationError lists what is wrong with an object, field by field, in
// words a person can act on. Keys are the JSON field names.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %s", k, e.Fields[k])
	}
	return "invalid: " + strings.Join(parts, "; ")
}

// problems collects field errors; err returns nil when there are none.
type problems map[string]string

func (p problems) add(field, msg string) {
	if _, ok := p[field]; !ok {
		p[field] = msg
	}
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Fields: map[string]string(p)}
}
