package views

import (
	"html/template"

	"github.com/dc-isss/accord/content"
)

// OutcomeFile is an edition as the self-contained HTML download shows
// it. Every URL in it is absolute: the file is read away from the site,
// and its links are navigations, never requests it makes.
type OutcomeFile struct {
	Title   string
	Edition int
	// Date is the publication date in words; DateISO the same for <time>.
	Date, DateISO string
	Group         string
	URL           string // the stable URL of the edition
	Summary       string
	// Text is the version's sanitised HTML, paragraph anchors kept,
	// headings numbered and links made absolute.
	Text            template.HTML
	Recommendations []OutcomeFileRecommendation
	Consultations   []OutcomeFileConsultation
}

// OutcomeFileRecommendation is one recommendation's traceability.
type OutcomeFileRecommendation struct {
	Heading string
	Anchor  string // "#p-…", the recommendation in the text above
	// Policies are the policies it cites, with what they were at
	// publication (type, status, jurisdictions, year).
	Policies []OutcomeFileLink
	Items    []OutcomeFileLink
	Reviewed []OutcomeFileLink // mapped challenges, reviewed mappings
	// Unreviewed are mapped challenges whose mappings nobody reviewed.
	Unreviewed   []OutcomeFileLink
	CommentTotal int
	// Dispositions sums its comments by disposition, in words.
	Dispositions string
	// Comments are the comments kept in the record, each standing for
	// its near-identical copies too.
	Comments []OutcomeFileComment
	// Resolution is the absolute URL of the resolution table that lists
	// every comment, when the record keeps fewer than CommentTotal.
	Resolution string
}

// OutcomeFileComment is one comment of the consultation on a
// recommendation, with the answer it had at publication.
type OutcomeFileComment struct {
	Label, Href string
	// Facts are group, country, type and near-identical copies, in words.
	Facts   string
	Excerpt string
	// Answer is the disposition and its rationale, or that there was none.
	Answer string
}

// OutcomeFileLink is a link with words after it.
type OutcomeFileLink struct {
	Text, Href, Note string
}

// OutcomeFileConsultation is one consultation's record.
type OutcomeFileConsultation struct {
	Title         string
	Href          string
	Version       int
	Opens, Closes string
	Approved      int
	Answered      int
	// Rows count comments by stakeholder group, then by disposition.
	Groups       []OutcomeFileCount
	Dispositions []OutcomeFileCount
	Countries    []OutcomeFileCount
	Resolution   string // the resolution table's absolute URL
	// Published is the version published; Redline the changes to it from
	// the version consulted, and RecordHref where the edition's page
	// shows them.
	Published  int
	Redline    content.Redline
	Changes    string // the redline's totals in words
	RecordHref string
}

// OutcomeFileCount is one row of a count table.
type OutcomeFileCount struct {
	Name  string
	Count int
}

// OutcomeFileCSS is the whole stylesheet of the HTML download, inlined so
// that the file asks nothing of the network. It is a constant, never built
// from data.
const OutcomeFileCSS = `
:root{color-scheme:light}
body{font:16px/1.55 Georgia,"Times New Roman",serif;color:#1b1b1b;background:#fff;max-width:46rem;margin:2rem auto;padding:0 1.25rem}
h1,h2,h3,h4{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;line-height:1.25;margin:1.6em 0 .5em}
h1{font-size:2rem;margin-top:0}
a{color:#1a4f9c}
a:focus{outline:3px solid #f2b705;outline-offset:2px}
.meta{font-family:system-ui,sans-serif;font-size:.95rem;border-left:4px solid #1a4f9c;padding:.25rem 0 .25rem 1rem}
.meta dt{font-weight:600;float:left;clear:left;margin-right:.5em}
.meta dd{margin:0 0 .2rem}
.summary{background:#f4f6f9;padding:.75rem 1rem;border-radius:4px}
.para-ref{font:.75rem system-ui,sans-serif;color:#555;text-decoration:none;margin-right:.4em}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
table{border-collapse:collapse;margin:1rem 0;font-size:.95rem}
th,td{border:1px solid #bbb;padding:.3rem .6rem;text-align:left;vertical-align:top}
caption{text-align:left;font-weight:600;padding:.3rem 0}
pre,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
pre{background:#f4f4f4;padding:.75rem;overflow-x:auto}
blockquote{margin:1rem 0;padding-left:1rem;border-left:3px solid #bbb;color:#333}
.trace{border:1px solid #ccd;border-radius:4px;padding:.25rem 1rem 1rem;margin:1rem 0}
.trace h3{margin-top:.75rem}
.trace ul{padding-left:1.25rem}
.note{color:#444}
ins{background:#e3f4e1;text-decoration:underline}
del{background:#fbe4e4;text-decoration:line-through}
.redline-label{font:600 .85rem system-ui,sans-serif;margin-right:.4em}
.secnum{color:#555;text-decoration:none;margin-right:.4em}
footer{margin-top:3rem;font:.85rem system-ui,sans-serif;color:#444}
@media print{
body{max-width:none;margin:0;font-size:11pt}
a{color:inherit}
.text a[href^="http"]::after,.trace a[href^="http"]::after{content:" <" attr(href) ">";font-size:.8em;word-break:break-all}
.para-ref:not(.secnum){display:none}
h2,h3{break-after:avoid}
.trace,table,blockquote,pre{break-inside:avoid}
@page{size:A4;margin:18mm}
}
`
