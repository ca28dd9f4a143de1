package views

import "html/template"

// ResolutionURL is a consultation's resolution table.
func ResolutionURL(slug string) string { return ConsultationURL(slug) + "/resolution" }

// ResolutionDownloadURL is the download of the resolution table in format
// ext (csv or xlsx).
func ResolutionDownloadURL(slug, ext string) string { return ResolutionURL(slug) + "." + ext }

// ResolutionImportURL is the editors' upload of a filled resolution table.
func ResolutionImportURL(slug string) string { return ResolutionURL(slug) + "/import" }

// ResolutionApplyURL applies a staged import.
func ResolutionApplyURL(slug, token string) string { return ResolutionImportURL(slug) + "/" + token }

// ResolutionPage is the resolution table of a consultation: every
// approved comment with the working group's answer.
type ResolutionPage struct {
	Base
	C ConsultationHead
	// Filters holds group, disposition, type and section.
	Filters                               Form
	Groups, Dispositions, Types, Sections []Choice
	Filtered                              bool
	Grouped                               bool
	// GroupedURL and UngroupedURL switch between one row per comment and
	// one row per campaign group, keeping the filters.
	GroupedURL, UngroupedURL string
	Rows                     []ResolutionRowVM
	// Total counts the approved comments; Shown those the filters keep.
	Total, Shown  int
	ByDisposition []TotalVM
	ByGroup       []TotalVM
	CanImport     bool
}

// TotalVM is one line of a totals table.
type TotalVM struct {
	Label string
	Count int
}

// ResolutionRowVM is one row of the resolution table.
type ResolutionRowVM struct {
	ID              int64
	Group, Country  string
	Commenter       string
	Section, Label  string
	ParagraphHref   string
	Type            string
	CommentHTML     template.HTML
	Proposed        string
	Disposition     string // label, "" when none
	DispositionSlug string
	RationaleHTML   template.HTML
	Addressed       []AddressedLink
	// AddressedNote replaces the links when the reader may not see the
	// version yet: "version 3 (not yet public)".
	AddressedNote string
	// Similar counts the other comments of the row's campaign group in the
	// grouped view.
	Similar int
}

// AddressedLink is one paragraph where a comment was addressed, linked to
// its redline.
type AddressedLink struct {
	Label, Href string
}

// ResolutionImportPage is the upload form, the problems of a rejected
// file, or the preview of a checked one.
type ResolutionImportPage struct {
	Base
	C        ConsultationHead
	Form     Form
	MaxMB    int
	File     string
	Problems []ResolutionProblemVM
	// Token and Changes are the preview of a checked file.
	Token   string
	Changes []ResolutionChangeVM
	// Checked is true once a file was checked and found to change nothing
	// or the changes listed.
	Checked bool
}

// ResolutionProblemVM is one problem of a rejected file.
type ResolutionProblemVM struct {
	Row     int
	Column  string
	Message string
}

// ResolutionChangeVM is one change of the preview.
type ResolutionChangeVM struct {
	ID                         int64
	Href                       string
	From, To                   string
	RationaleChanged           bool
	Rationale                  string
	AddressedChanged           bool
	OldAddressed, NewAddressed string
}
