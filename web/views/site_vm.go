package views

import (
	"html/template"

	"github.com/dc-isss/accord/content"
)

// Addresses of the site's own pages: what Accord is, the privacy notice,
// how to reach the operator.
const (
	AboutURL   = "/about"
	PrivacyURL = "/privacy"
	ContactURL = "/contact"
)

// AboutPage says what Accord and the group behind it are.
type AboutPage struct {
	Base
}

// PrivacyPage is the privacy notice: what the software does, fixed, and
// what the operator chose, "not set" until set.
type PrivacyPage struct {
	Base
	// ContactEmail is the operator's contact address (--contact-email);
	// "" when not set.
	ContactEmail string
	// Operator is the operator's own notice (the privacy file in the data
	// folder), rendered; "" when there is none.
	Operator template.HTML
	// OperatorFile is the file's name, to say where it goes.
	OperatorFile string
}

// ContactPage is how to reach whoever runs this site.
type ContactPage struct {
	Base
	ContactEmail string
}

// CiteText is what to paste into a document to cite a policy (ref "")
// or one of its provisions.
func CiteText(slug, ref string) string { return content.CitationText(slug, ref) }

// CiteURL is the citation finder, searching for q ("" for the empty
// form).
func CiteURL(q string) string {
	if q == "" {
		return "/cite"
	}
	return Q("/cite", "q", q)
}

// CiteJSONURL is the citation finder answering in JSON, for the document
// editor's autocomplete, which adds &q=.
func CiteJSONURL() string { return Q("/cite", "format", "json") }

// CitePage is the citation finder: policies and provisions found, each
// with the citation to paste.
type CitePage struct {
	Base
	Q        string
	Searched bool
	Total    int
	Hits     []CiteHit
}

// CiteHit is a policy or a provision found by the citation finder.
type CiteHit struct {
	Provision bool
	Title     string
	// Parent is a provision's policy.
	Parent string
	URL    string
	// Cite is the citation to paste, such as "[@slug §5.1-1]".
	Cite string
}
