package store

import "slices"

// The controlled vocabularies of DESIGN.md section 2. Order is display order.
var (
	// PolicyTypes are the kinds of instrument.
	PolicyTypes = []string{"law", "regulation", "standard", "technical-specification", "guideline",
		"code-of-practice", "certification-scheme", "strategy", "report"}
	// PolicyStatuses are where an instrument stands; "" means unknown.
	PolicyStatuses = []string{"proposed", "adopted", "published", "in-force", "superseded", "repealed", "withdrawn"}
	// Bindings says whether compliance is required; "" means unknown.
	Bindings = []string{"mandatory", "voluntary"}
	// Layers are the four levels of the seed's Appendix A model.
	Layers = []string{"device", "network", "service", "application"}
	// Relationships are NIST IR 8477 set-theory relationship types.
	Relationships = []string{"equal", "subset-of", "superset-of", "intersects-with", "not-related"}
	// Roles are account roles, least to most powerful.
	Roles = []string{"stakeholder", "editor", "admin"}
	// StakeholderGroups are the IGF's own.
	StakeholderGroups = []string{"government", "private-sector", "civil-society", "technical-community",
		"academia", "intergovernmental-organisation", "other"}
	// Confidences are how sure the group is of a policy record's facts.
	Confidences = []string{"high", "medium", "low"}
)

// Labels turns vocabulary slugs into words for people.
var labels = map[string]string{
	"law": "Law", "regulation": "Regulation", "standard": "Standard",
	"technical-specification": "Technical specification", "guideline": "Guideline",
	"code-of-practice": "Code of practice", "certification-scheme": "Certification scheme",
	"strategy": "Strategy", "report": "Report",
	"proposed": "Proposed", "adopted": "Adopted", "published": "Published", "in-force": "In force",
	"superseded": "Superseded", "repealed": "Repealed", "withdrawn": "Withdrawn",
	"mandatory": "Mandatory", "voluntary": "Voluntary",
	"device": "Device", "network": "Network", "service": "Service", "application": "Application",
	"equal": "Equal", "subset-of": "Subset of", "superset-of": "Superset of",
	"intersects-with": "Intersects with", "not-related": "Not related",
	"stakeholder": "Stakeholder", "editor": "Editor", "admin": "Administrator",
	"government": "Government", "private-sector": "Private sector", "civil-society": "Civil society",
	"technical-community": "Technical community", "academia": "Academia",
	"intergovernmental-organisation": "Intergovernmental organisation", "other": "Other",
	"high": "High", "medium": "Medium", "low": "Low",
}

// Label returns the display label of a vocabulary slug, or the slug itself.
func Label(slug string) string {
	if l, ok := labels[slug]; ok {
		return l
	}
	return slug
}

// Topic is one entry of the controlled topic vocabulary.
type Topic struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// DefaultTopics starts from the thirteen provision areas of ETSI EN 303 645
// and adds the themes the working group follows.
var DefaultTopics = []Topic{
	{"default-passwords", "No universal default passwords"},
	{"vulnerability-disclosure", "Vulnerability disclosure"},
	{"software-updates", "Software updates"},
	{"secure-storage", "Secure storage of sensitive parameters"},
	{"secure-communication", "Secure communication"},
	{"attack-surface", "Minimised attack surface"},
	{"software-integrity", "Software integrity"},
	{"personal-data", "Protection of personal data"},
	{"resilience", "Resilience to outages"},
	{"telemetry", "Examination of telemetry data"},
	{"data-deletion", "Deletion of user data"},
	{"installation-maintenance", "Installation and maintenance"},
	{"input-validation", "Validation of input data"},
	{"identity-management", "Identity management"},
	{"supply-chain", "Supply chain"},
	{"sbom", "Software bill of materials"},
	{"labelling-certification", "Labelling and certification"},
	{"incident-reporting", "Incident reporting"},
	{"support-period", "Support period"},
	{"governance", "Governance"},
	{"interoperability", "Interoperability"},
}

func in(vocab []string, v string) bool { return slices.Contains(vocab, v) }
