package store

import (
	"fmt"
	"strings"
	"time"
)

// Dispositions: what the working group decided about a comment.
const (
	DispositionAccepted       = "accepted"
	DispositionAcceptedInPart = "accepted-in-part"
	DispositionNotAccepted    = "not-accepted"
	DispositionNoted          = "noted"
	DispositionOutOfScope     = "out-of-scope"
)

// DispositionValues lists the dispositions in the order tables show them.
var DispositionValues = []string{DispositionAccepted, DispositionAcceptedInPart, DispositionNotAccepted,
	DispositionNoted, DispositionOutOfScope}

// DispositionLabel says a disposition in words.
func DispositionLabel(d string) string {
	switch d {
	case DispositionAccepted:
		return "Accepted"
	case DispositionAcceptedInPart:
		return "Accepted in part"
	case DispositionNotAccepted:
		return "Not accepted"
	case DispositionNoted:
		return "Noted"
	case DispositionOutOfScope:
		return "Out of scope"
	}
	return d
}

// ParseDisposition reads a disposition from its slug or its label, in any
// case ("Accepted in part", "accepted-in-part", "ACCEPTED IN PART").
func ParseDisposition(s string) (string, bool) {
	k := strings.ToLower(strings.Join(strings.Fields(strings.ReplaceAll(s, "-", " ")), " "))
	for _, d := range DispositionValues {
		if k == strings.ReplaceAll(d, "-", " ") || k == strings.ToLower(DispositionLabel(d)) {
			return d, true
		}
	}
	return "", false
}

// Disposition is the working group's answer to a comment: the decision, a
// rationale, and where a later version addressed it.
type Disposition struct {
	Value         string
	Rationale     string
	RationaleHTML string
	// AddressedIn is the version and paragraphs where the comment was
	// addressed; zero Version when it was addressed in no later version.
	AddressedIn Addressed
	By          string // the member's name
	At          time.Time
	// Number counts the dispositions given to the comment, from 1.
	Number int
}

// Addressed names paragraphs of a version.
type Addressed struct {
	Version    int
	Paragraphs []string
}

// String is the resolution table's form: "2:p4;p9", "" when empty.
func (a Addressed) String() string {
	if a.Version == 0 {
		return ""
	}
	return fmt.Sprintf("%d:%s", a.Version, strings.Join(a.Paragraphs, ";"))
}

// ParseAddressed reads "2:p4;p9" (spaces allowed around the parts); an
// empty string is no address.
func ParseAddressed(s string) (Addressed, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Addressed{}, nil
	}
	v, ps, ok := strings.Cut(s, ":")
	n, vok := VersionNumber(strings.TrimSpace(v))
	if !ok || !vok {
		return Addressed{}, fmt.Errorf("%q is not VERSION:PARAGRAPH;PARAGRAPH, such as 2:p4;p9", s)
	}
	a := Addressed{Version: n}
	for _, p := range strings.Split(ps, ";") {
		if p = strings.TrimSpace(p); p != "" {
			a.Paragraphs = append(a.Paragraphs, p)
		}
	}
	if len(a.Paragraphs) == 0 {
		return Addressed{}, fmt.Errorf("%q names no paragraph after the version", s)
	}
	return a, nil
}

// validate checks the fields that need no database. Field names are the
// JSON API's.
func (d *Disposition) validate() problems {
	pr := problems{}
	d.Rationale = strings.TrimSpace(d.Rationale)
	if !in(DispositionValues, d.Value) {
		pr.add("disposition", "Choose accepted, accepted-in-part, not-accepted, noted or out-of-scope")
	}
	if d.Rationale == "" {
		pr.add("rationale", "Give the reason for the disposition: every comment gets an answer")
	}
	checkText(pr, "rationale", d.Rationale, 10000)
	if d.AddressedIn.Version != 0 && len(d.AddressedIn.Paragraphs) == 0 {
		pr.add("addressed_in.paragraphs", "Name the paragraphs of that version where the comment was addressed")
	}
	if d.AddressedIn.Version == 0 && len(d.AddressedIn.Paragraphs) > 0 {
		pr.add("addressed_in.version", "Name the version the paragraphs belong to")
	}
	if len(d.AddressedIn.Paragraphs) > 50 {
		pr.add("addressed_in.paragraphs", "Name at most 50 paragraphs")
	}
	return pr
}

// Reply is a member's answer to a comment, public with the member's name.
type Reply struct {
	ID        int64
	CommentID int64
	Author    string
	Body      string
	BodyHTML  string
	CreatedAt time.Time
}

// Current is where a comment's paragraph stands in a later version,
// following the paragraph maps version after version.
type Current struct {
	Version   int
	Paragraph string // "" when the paragraph was deleted
	Section   string
	Label     string
	// Relation sums up what happened on the way: kept (the same text),
	// edited, split (Parts lists the new paragraphs that took part of
	// it), merged (into Paragraph, another paragraph) or deleted.
	Relation string
	Parts    []string
	// Changed is the version where the paragraph last changed (or was
	// removed), 0 when it never changed.
	Changed int
}
