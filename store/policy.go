package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Policy is one instrument of the knowledge base: a law, regulation,
// standard, guideline, code of practice, certification scheme, strategy or
// report. Its JSON form is the one of DESIGN.md section 3, shared by the
// API, import and export; empty strings travel as null.
type Policy struct {
	Slug          string
	Title         string
	ShortTitle    string
	Jurisdictions []string
	Issuer        string
	Type          string
	Status        string
	StatusNote    string
	Binding       string
	Adopted       Date
	InForce       Date
	URL           string
	Language      string
	Topics        []string
	Layers        []string
	Summary       string
	Notes         string

	// Sources are the public pages the record's facts were read on, as
	// absolute http(s) addresses. nil keeps the stored list on save (a JSON
	// write without "sources", a CSV file without the column); an empty
	// list clears it. Reads always give a non-nil list.
	Sources []string
	// Confidence is how sure the group is of the record's facts: high (read
	// on an official page or several consistent ones), medium (on reliable
	// secondary pages) or low; "" when not assessed (null in JSON).
	Confidence string

	// Provisions and Mappings replace the stored ones on save when non-nil;
	// nil keeps what is stored (a CSV row has neither).
	Provisions []Provision
	Mappings   []Mapping

	// Rev is the number of the stored revision, as read by DB.Policy.
	Rev int
	// BaseRev, when non-zero, is the revision an editor started from: the
	// save is refused with ErrConflict if someone saved another revision
	// meanwhile, so that two members editing at once never silently
	// overwrite each other. Reads leave it zero.
	BaseRev int

	CreatedAt time.Time
	UpdatedAt time.Time
	CreatedBy string // the creator's name or email, for display
	UpdatedBy string
}

// Provision is a numbered requirement inside a policy, such as "5.1-1".
type Provision struct {
	// Ref is the key of the provision in addresses, anchors and citations;
	// it never changes once published.
	Ref string `json:"ref"`
	// Label is the reference as the instrument writes it ("Article 13(2)"),
	// shown to readers; "" shows Ref.
	Label string `json:"label"`
	Title string `json:"title"`
	Text  string `json:"text"`
	// Source is the page the provision was read on, "" when none.
	Source string   `json:"source"`
	Topics []string `json:"topics"`
	// TopicsReviewed says a member checked the topics, which are otherwise
	// a suggestion, like an unreviewed mapping.
	TopicsReviewed bool `json:"topics_reviewed"`
}

// DisplayLabel is the reference shown to readers: the label, or the key
// when the provision has none.
func (v Provision) DisplayLabel() string {
	if v.Label != "" {
		return v.Label
	}
	return v.Ref
}

// MaxSources is how many sources a policy may list.
const MaxSources = 20

// WebAddressProblem says what keeps s from being an absolute http(s)
// address of at most 2000 characters, or "" when nothing does.
func WebAddressProblem(s string) string {
	if msg := TextProblem(s); msg != "" {
		return msg
	}
	if len(s) > 2000 {
		return "Use an address of at most 2000 characters"
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(s, " \t\n") {
		return "Not an http(s) address; write the full address, starting with https://"
	}
	return ""
}

// Year is the year the policy was adopted, or 0 when unknown.
func (p Policy) Year() int { return p.Adopted.Year() }

// DisplayTitle is the short title when there is one.
func (p Policy) DisplayTitle() string {
	if p.ShortTitle != "" {
		return p.ShortTitle
	}
	return p.Title
}

// Date is a calendar date known to the year, the month or the day:
// "2020", "2020-06" or "2020-06-30"; "" when unknown.
type Date string

var dateRE = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

// Valid reports whether d is empty or a real date in one of the three forms.
func (d Date) Valid() bool {
	s := string(d)
	if s == "" {
		return true
	}
	if !dateRE.MatchString(s) {
		return false
	}
	switch len(s) {
	case 4:
		return true
	case 7:
		_, err := time.Parse("2006-01", s)
		return err == nil
	default:
		_, err := time.Parse("2006-01-02", s)
		return err == nil
	}
}

// Year is the date's year, or 0 when unknown.
func (d Date) Year() int {
	if len(d) < 4 {
		return 0
	}
	y, _ := strconv.Atoi(string(d[:4]))
	return y
}

// UnmarshalJSON accepts a string, a bare year number or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*d = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = Date(strings.TrimSpace(s))
	default:
		var n int
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("a date is \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\"")
		}
		*d = Date(strconv.Itoa(n))
	}
	return nil
}

// ReservedSlugs name pages under /policies/ and so cannot name a policy.
var ReservedSlugs = []string{"new", "import", "export"}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether s can name an object in a URL: lowercase ASCII
// letters and digits in words joined by single hyphens, at most 100 long.
func ValidSlug(s string) bool { return len(s) <= 100 && slugRE.MatchString(s) }

// Validate checks the rules that need no database: required fields,
// vocabularies, formats and lengths. The database checks jurisdictions,
// topics and framework items when the policy is saved.
func (p *Policy) Validate() error {
	pr := problems{}
	checkText(pr, "slug", p.Slug, 100)
	switch {
	case p.Slug == "":
		pr.add("slug", "Enter a slug, such as uk-psti-act-2022")
	case !ValidSlug(p.Slug):
		pr.add("slug", "Use lowercase letters, digits and single hyphens only, at most 100 characters")
	case in(ReservedSlugs, p.Slug):
		pr.add("slug", fmt.Sprintf("%q is reserved for a page of the site; choose another slug", p.Slug))
	}
	checkText(pr, "title", p.Title, 500)
	if strings.TrimSpace(p.Title) == "" {
		pr.add("title", "Enter the instrument's official title")
	}
	checkText(pr, "short_title", p.ShortTitle, 200)
	checkText(pr, "issuer", p.Issuer, 300)
	checkText(pr, "status_note", p.StatusNote, 500)
	checkText(pr, "language", p.Language, 35)
	checkText(pr, "summary", p.Summary, 5000)
	checkText(pr, "notes", p.Notes, 50000)
	if len(p.Jurisdictions) == 0 {
		pr.add("jurisdictions", "Choose at least one jurisdiction")
	}
	for _, j := range p.Jurisdictions {
		if !jurisdictionRE.MatchString(j) {
			pr.add("jurisdictions", fmt.Sprintf("%q is not a jurisdiction code (ISO 3166-1 alpha-2, EU, or a bloc code of three or more capital letters such as INT)", j))
		}
	}
	if !in(PolicyTypes, p.Type) {
		if p.Type == "" {
			pr.add("type", "Choose the type of instrument")
		} else {
			pr.add("type", fmt.Sprintf("%q is not a type; use one of %s", p.Type, strings.Join(PolicyTypes, ", ")))
		}
	}
	if p.Status != "" && !in(PolicyStatuses, p.Status) {
		pr.add("status", fmt.Sprintf("%q is not a status; use one of %s", p.Status, strings.Join(PolicyStatuses, ", ")))
	}
	if p.Binding != "" && !in(Bindings, p.Binding) {
		pr.add("binding", fmt.Sprintf("%q is not mandatory or voluntary", p.Binding))
	}
	if !p.Adopted.Valid() {
		pr.add("adopted", fmt.Sprintf("%q is not a date; use YYYY, YYYY-MM or YYYY-MM-DD", p.Adopted))
	}
	if !p.InForce.Valid() {
		pr.add("in_force", fmt.Sprintf("%q is not a date; use YYYY, YYYY-MM or YYYY-MM-DD", p.InForce))
	}
	if p.URL != "" {
		u, err := url.Parse(p.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(p.URL) > 2000 {
			pr.add("url", "Enter the full address of the official text, starting with https://")
		}
	}
	if len(p.Sources) > MaxSources {
		pr.add("sources", fmt.Sprintf("List at most %d sources, the most useful first", MaxSources))
	}
	seen := map[string]int{}
	for i, src := range p.Sources {
		field := fmt.Sprintf("sources[%d]", i)
		if msg := WebAddressProblem(src); msg != "" {
			pr.add(field, msg)
		} else if j, dup := seen[src]; dup {
			pr.add(field, fmt.Sprintf("The same address as sources[%d]", j))
		}
		seen[src] = i
	}
	if p.Confidence != "" && !in(Confidences, p.Confidence) {
		pr.add("confidence", fmt.Sprintf("%q is not a confidence; use high, medium or low, or leave it empty", p.Confidence))
	}
	for _, l := range p.Layers {
		if !in(Layers, l) {
			pr.add("layers", fmt.Sprintf("%q is not a layer; use device, network, service or application", l))
		}
	}
	for _, t := range p.Topics {
		if !slugRE.MatchString(t) {
			pr.add("topics", fmt.Sprintf("%q is not a topic", t))
		}
	}
	refs := map[string]bool{}
	for i, v := range p.Provisions {
		field := fmt.Sprintf("provisions[%d]", i)
		// The same text check as every other field first: the reference
		// reaches public pages, anchors and the JSON export, where NUL,
		// escapes or broken UTF-8 would not survive a round trip.
		checkText(pr, field+".ref", v.Ref, 50)
		switch {
		case strings.TrimSpace(v.Ref) == "":
			pr.add(field+".ref", "Enter the provision's number, such as 5.1-1")
		case len(v.Ref) > 50:
			pr.add(field+".ref", "Use at most 50 characters")
		case strings.ContainsAny(v.Ref, " \t\n/?#%\\"):
			// The reference is part of the provision's address and anchor.
			pr.add(field+".ref", fmt.Sprintf("Write %q without spaces, slashes, ?, # or %%, such as Art.13", v.Ref))
		case refs[v.Ref]:
			pr.add(field+".ref", fmt.Sprintf("Provision %s appears twice", v.Ref))
		}
		refs[v.Ref] = true
		checkText(pr, field+".label", v.Label, 100)
		checkText(pr, field+".title", v.Title, 500)
		checkText(pr, field+".text", v.Text, 20000)
		if v.Source != "" {
			if msg := WebAddressProblem(v.Source); msg != "" {
				pr.add(field+".source", msg)
			}
		}
	}
	for i := range p.Mappings {
		m := &p.Mappings[i]
		field := fmt.Sprintf("mappings[%d]", i)
		if err := m.Validate(); err != nil {
			if ve, ok := err.(*ValidationError); ok {
				for k, v := range ve.Fields {
					pr.add(field+"."+k, v)
				}
			}
		}
		if m.Provision != "" && !refs[m.Provision] && p.Provisions != nil {
			pr.add(field+".provision", fmt.Sprintf("Provision %s is not one of this policy's provisions", m.Provision))
		}
	}
	return pr.err()
}

// jurisdictionRE accepts ISO 3166-1 alpha-2 codes (and EU, the one bloc with a
// two-letter code) and codes of three or more letters for other blocs and
// international bodies (INT).
var jurisdictionRE = regexp.MustCompile(`^[A-Z]{2,12}$`)

// checkText refuses invalid UTF-8, control characters other than newlines
// and tabs, and text over max characters.
func checkText(pr problems, field, s string, max int) {
	if msg := TextProblem(s); msg != "" {
		pr.add(field, msg)
		return
	}
	if utf8.RuneCountInString(s) > max {
		pr.add(field, fmt.Sprintf("Use at most %d characters", max))
	}
}

// TextProblem says what makes s unfit to store as typed text, or "" when
// nothing does: invalid UTF-8, or control characters other than newlines,
// carriage returns and tabs. Every typed field of every write goes through
// it (the forms in web use it too), so that such bytes reach neither pages
// nor exports.
func TextProblem(s string) string {
	if !utf8.ValidString(s) {
		return "Contains bytes that are not UTF-8 text"
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
			return "Contains control characters"
		}
	}
	return ""
}

// strictUnmarshal is json.Unmarshal refusing unknown fields and trailing
// data.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("unexpected data after the JSON value")
	}
	return nil
}

// policyJSON is the wire form: unknown values are null.
type policyJSON struct {
	Slug          string   `json:"slug"`
	Title         string   `json:"title"`
	ShortTitle    *string  `json:"short_title"`
	Jurisdictions []string `json:"jurisdictions"`
	Issuer        *string  `json:"issuer"`
	Type          string   `json:"type"`
	Status        *string  `json:"status"`
	StatusNote    *string  `json:"status_note"`
	Binding       *string  `json:"binding"`
	Adopted       *Date    `json:"adopted"`
	InForce       *Date    `json:"in_force"`
	URL           *string  `json:"url"`
	Language      *string  `json:"language"`
	Topics        []string `json:"topics"`
	Layers        []string `json:"layers"`
	Summary       *string  `json:"summary"`
	Notes         *string  `json:"notes"`
	// Sources is a pointer for the same reason as Provisions below.
	Sources    *[]string `json:"sources,omitempty"`
	Confidence *string   `json:"confidence"`
	// Pointers, so that a policy read in full writes [] when it has none,
	// a list entry (not loaded: nil) leaves them out, and on reading an
	// absent list (keep what is stored) differs from [] (remove them all).
	Provisions *[]Provision `json:"provisions,omitempty"`
	Mappings   *[]Mapping   `json:"mappings,omitempty"`
	CreatedAt  *time.Time   `json:"created_at,omitempty"`
	UpdatedAt  *time.Time   `json:"updated_at,omitempty"`
}

func nullable[T ~string](s T) *T {
	if s == "" {
		return nil
	}
	return &s
}

func deref[T ~string](p *T) T {
	if p == nil {
		return ""
	}
	return T(strings.TrimSpace(string(*p)))
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// MarshalJSON writes the DESIGN.md shape, with null for unknown values.
func (p Policy) MarshalJSON() ([]byte, error) {
	j := policyJSON{
		Slug: p.Slug, Title: p.Title, ShortTitle: nullable(p.ShortTitle),
		Jurisdictions: nonNil(p.Jurisdictions), Issuer: nullable(p.Issuer), Type: p.Type,
		Status: nullable(p.Status), StatusNote: nullable(p.StatusNote), Binding: nullable(p.Binding),
		Adopted: nullable(p.Adopted), InForce: nullable(p.InForce), URL: nullable(p.URL),
		Language: nullable(p.Language), Topics: nonNil(p.Topics), Layers: nonNil(p.Layers),
		Summary: nullable(p.Summary), Notes: nullable(p.Notes), Confidence: nullable(p.Confidence),
	}
	if p.Sources != nil {
		j.Sources = &p.Sources
	}
	if p.Provisions != nil {
		provs := make([]Provision, len(p.Provisions))
		for i, v := range p.Provisions {
			v.Topics = nonNil(v.Topics)
			provs[i] = v
		}
		j.Provisions = &provs
	}
	if p.Mappings != nil {
		j.Mappings = &p.Mappings
	}
	if !p.CreatedAt.IsZero() {
		j.CreatedAt, j.UpdatedAt = &p.CreatedAt, &p.UpdatedAt
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the DESIGN.md shape and refuses unknown fields: a
// custom UnmarshalJSON does not inherit a decoder's DisallowUnknownFields,
// and a misspelt field silently dropped would lose data.
func (p *Policy) UnmarshalJSON(b []byte) error {
	var j policyJSON
	if err := strictUnmarshal(b, &j); err != nil {
		return err
	}
	*p = Policy{
		Slug: strings.TrimSpace(j.Slug), Title: strings.TrimSpace(j.Title), ShortTitle: deref(j.ShortTitle),
		Jurisdictions: j.Jurisdictions, Issuer: deref(j.Issuer), Type: strings.TrimSpace(j.Type),
		Status: deref(j.Status), StatusNote: deref(j.StatusNote), Binding: deref(j.Binding),
		Adopted: deref(j.Adopted), InForce: deref(j.InForce), URL: deref(j.URL),
		Language: deref(j.Language), Topics: j.Topics, Layers: j.Layers,
		Summary: deref(j.Summary), Notes: deref(j.Notes), Confidence: deref(j.Confidence),
	}
	if j.Sources != nil {
		p.Sources = make([]string, len(*j.Sources))
		for i, s := range *j.Sources {
			p.Sources[i] = strings.TrimSpace(s)
		}
	}
	if j.Provisions != nil {
		p.Provisions = nonNilSlice(*j.Provisions)
	}
	if j.Mappings != nil {
		p.Mappings = nonNilSlice(*j.Mappings)
	}
	return nil
}

// nonNilSlice keeps "[]" distinct from "absent" after decoding.
func nonNilSlice[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
