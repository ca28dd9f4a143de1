package views

import (
	"slices"
	"strings"
)

// Form is a form as the page shows it: what the user typed, and what is
// wrong with it, field by field (the GOV.UK error-summary pattern).
type Form struct {
	Values map[string][]string
	Errors map[string]string
	// Order lists the fields in page order, so the error summary follows
	// the page.
	Order []string
	// Anchors maps a field to the id its summary link targets when that
	// is not FieldID(name), as for checkbox groups (their first box).
	Anchors map[string]string
}

// NewForm makes an empty form with its fields in page order.
func NewForm(order ...string) Form {
	return Form{Values: map[string][]string{}, Errors: map[string]string{}, Order: order, Anchors: map[string]string{}}
}

// Get is the first value typed for a field.
func (f Form) Get(name string) string {
	if vs := f.Values[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// Set replaces a field's values.
func (f Form) Set(name string, vs ...string) { f.Values[name] = vs }

// Has reports whether a multi-value field (checkboxes, multiple select)
// holds v.
func (f Form) Has(name, v string) bool {
	for _, x := range f.Values[name] {
		if x == v {
			return true
		}
	}
	return false
}

// Err is the message for a field, "" when it is fine.
func (f Form) Err(name string) string { return f.Errors[name] }

// Invalid reports whether the form has any error.
func (f Form) Invalid() bool { return len(f.Errors) > 0 }

// SummaryItem is one line of the error summary.
type SummaryItem struct {
	Href    string
	Message string
}

// Summary lists the errors in page order, then any others by name.
func (f Form) Summary() []SummaryItem {
	var out []SummaryItem
	done := map[string]bool{}
	add := func(name string) {
		msg, ok := f.Errors[name]
		if !ok || done[name] {
			return
		}
		done[name] = true
		anchor := f.Anchors[name]
		if anchor == "" {
			anchor = FieldID(name)
		}
		out = append(out, SummaryItem{Href: "#" + anchor, Message: msg})
	}
	for _, name := range f.Order {
		add(name)
	}
	rest := make([]string, 0, len(f.Errors))
	for name := range f.Errors {
		rest = append(rest, name)
	}
	slices.Sort(rest)
	for _, name := range rest {
		add(name)
	}
	return out
}

// FieldID is the id of a field's input.
func FieldID(name string) string {
	r := strings.NewReplacer("[", "-", "]", "", ".", "-", "_", "-")
	return "f-" + r.Replace(name)
}

// ErrorID is the id of a field's error message.
func ErrorID(name string) string { return FieldID(name) + "-error" }

// HintID is the id of a field's hint.
func HintID(name string) string { return FieldID(name) + "-hint" }

// Field describes one form control.
type Field struct {
	Name         string
	Label        string
	Hint         string
	Type         string // text (default), email, password, url, number, date
	Autocomplete string
	Required     bool
	// Choices are the options of a select or checkbox group.
	Choices  []Choice
	Multiple bool
	Rows     int
	// Inputmode hints the on-screen keyboard, such as numeric for dates.
	Inputmode string
	// Plain leaves out the "(optional)" marker, for filters where every
	// field is optional.
	Plain bool
}

// Choice is one option of a select, radio or checkbox group.
type Choice struct {
	Value, Label string
	// Group heads an <optgroup> in selects; choices with the same Group
	// are rendered together.
	Group string
}

// describedBy lists the hint and error ids a control points at.
func describedBy(f Form, fd Field) string {
	var ids []string
	if fd.Hint != "" {
		ids = append(ids, HintID(fd.Name))
	}
	if f.Err(fd.Name) != "" {
		ids = append(ids, ErrorID(fd.Name))
	}
	return strings.Join(ids, " ")
}

func inputType(fd Field) string {
	if fd.Type == "" {
		return "text"
	}
	return fd.Type
}

func rows(fd Field) string {
	if fd.Rows == 0 {
		return "5"
	}
	return Itoa(fd.Rows)
}

// choiceGroups splits choices into runs that share a Group.
func choiceGroups(cs []Choice) [][]Choice {
	var out [][]Choice
	for i, c := range cs {
		if i == 0 || c.Group != cs[i-1].Group {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], c)
	}
	return out
}

func boxID(name string, i int) string { return FieldID(name) + "-" + Itoa(i) }

// FirstBoxID is the id of a checkbox group's first box, which its error
// summary link targets.
func FirstBoxID(name string) string { return boxID(name, 0) }

// chosenFirst orders a CheckList's choices: those the form holds first,
// then the others, each in their own order.
func chosenFirst(f Form, fd Field) []Choice {
	out := make([]Choice, 0, len(fd.Choices))
	for _, c := range fd.Choices {
		if f.Has(fd.Name, c.Value) {
			out = append(out, c)
		}
	}
	for _, c := range fd.Choices {
		if !f.Has(fd.Name, c.Value) {
			out = append(out, c)
		}
	}
	return out
}
