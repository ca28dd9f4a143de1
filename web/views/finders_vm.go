package views

// Param is one query parameter a form carries in a hidden field, so that
// submitting the form keeps the filters it has no control for.
type Param struct {
	Name, Value string
}
