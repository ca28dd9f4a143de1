package views

// StatsVM is "What was said": a closed consultation's published comments
// counted by stakeholder group, country and disposition, and how many
// have an answer. Every published comment counts once, campaign copies
// included.
type StatsVM struct {
	Slug          string
	Approved      int
	ByGroup       []StatRow
	ByCountry     []StatRow
	ByDisposition []StatRow
	Answered      int
	// Percent is the share answered in words, such as "40%".
	Percent string
	// Heat is the table of paragraphs by stakeholder group, as the
	// comments page shows it.
	Heat       []HeatRowVM
	HeatGroups []string
}

// StatRow is one line of a stats table: what, how many and the share.
type StatRow struct {
	Label string
	Count int
	Share string
}
