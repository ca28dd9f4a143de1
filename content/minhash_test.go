package content

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

// campaigns are texts an organisation asks its supporters to send; each
// supporter may change a few words.
var campaigns = []string{
	"We urge the working group to require that every connected device sold in our country ships without a universal default password, " +
		"because shared passwords let attackers take over thousands of cameras and routers in minutes.",
	"Manufacturers must publish how long they will provide security updates for each product, printed on the box, " +
		"so that buyers can compare support periods before they spend their money on a smart device.",
	"Please do not make vulnerability disclosure policies optional for small companies: a single unpatched thermostat can " +
		"expose a whole home network, and researchers need a clear way to report what they find.",
}

// paraphrases say what a campaign says in other words: they are not copies.
var paraphrases = [][]string{
	{
		"Default passwords that are the same on every unit are how botnets recruit devices; the recommendation should ban them outright.",
		"Ship each product with its own credential or make the owner choose one at set-up, since identical factory logins are an open door.",
		"Universal factory passwords should be prohibited for all IoT products placed on the market, as attackers exploit them at scale.",
	},
	{
		"Buyers deserve to know the end date of software support at the point of sale, so the label should state it clearly.",
		"State the minimum period of security patches on the packaging; consumers cannot otherwise judge the product's lifetime.",
		"A declared support period, visible before purchase, would let shoppers avoid devices that will soon be abandoned.",
	},
	{
		"Even small vendors should have a way for security researchers to tell them about flaws; exempting them leaves users exposed.",
		"Coordinated disclosure should apply to every manufacturer regardless of size, because one weak gadget endangers the network.",
		"Making disclosure voluntary for smaller firms would be a mistake: people who find bugs need a contact to reach.",
	},
}

// unrelated are comments on other matters.
var unrelated = []string{
	"Section 2 should cite the ETSI standard rather than the older guidance, which has been superseded.",
	"The definition of consumer IoT device in the glossary leaves out medical wearables; please clarify whether they are in scope.",
	"Typo in paragraph 4.1: 'comunication' should be 'communication'.",
	"Consider aligning the terminology with the EU Cyber Resilience Act so that manufacturers face one vocabulary.",
	"The recommendation on labelling would benefit from evidence of how consumers actually read security labels.",
	"I support the draft as a whole and have no further remarks on the text.",
	"Interoperability between certification schemes deserves its own section, with mutual recognition as the goal.",
	"Please add a recommendation on secure deletion of user data when a device is resold or recycled.",
}

// edit makes a supporter's copy: a few words replaced, dropped or added,
// and sometimes a greeting or a signature line.
func edit(r *rand.Rand, text string) string {
	w := strings.Fields(text)
	fillers := []string{"really", "strongly", "also", "truly", "very", "simply", "clearly"}
	for n := 1 + r.IntN(3); n > 0; n-- {
		i := r.IntN(len(w))
		switch r.IntN(3) {
		case 0:
			w[i] = fillers[r.IntN(len(fillers))]
		case 1:
			w = append(w[:i], w[i+1:]...)
		default:
			w = append(w[:i], append([]string{fillers[r.IntN(len(fillers))]}, w[i:]...)...)
		}
	}
	out := strings.Join(w, " ")
	switch r.IntN(4) {
	case 0:
		out = "Dear colleagues, " + out
	case 1:
		out += " Thank you."
	case 2:
		out = strings.ToUpper(out[:1]) + out[1:] + "!"
	}
	return out
}

// labelled is a comment with the campaign it copies, -1 for none.
type labelled struct {
	text     string
	campaign int
}

// TestMinHashGroupsCampaignCopies measures the grouping rule on a mixed
// set: 100 copies of each campaign with small edits, three paraphrases of
// each, and unrelated comments. A pair is predicted "same campaign" when
// its estimated similarity reaches store.CampaignThreshold; precision and
// recall are over all pairs.
func TestMinHashGroupsCampaignCopies(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	var set []labelled
	for c, text := range campaigns {
		for i := 0; i < 100; i++ {
			set = append(set, labelled{edit(r, text), c})
		}
		for _, p := range paraphrases[c] {
			set = append(set, labelled{p, -1})
		}
	}
	for _, u := range unrelated {
		set = append(set, labelled{u, -1})
	}
	sigs := make([]store.Signature, len(set))
	for i, l := range set {
		sigs[i] = MinHash(l.text)
	}
	var tp, fp, fn int
	maxOther := 0.0
	for i := range set {
		for j := i + 1; j < len(set); j++ {
			same := set[i].campaign >= 0 && set[i].campaign == set[j].campaign
			sim := store.Similarity(sigs[i], sigs[j])
			predicted := sim >= store.CampaignThreshold
			if !same {
				maxOther = max(maxOther, sim)
			}
			switch {
			case same && predicted:
				tp++
			case !same && predicted:
				fp++
				if fp <= 3 {
					t.Logf("false positive: %q / %q", set[i].text, set[j].text)
				}
			case same:
				fn++
			}
		}
	}
	precision := float64(tp) / float64(tp+fp)
	recall := float64(tp) / float64(tp+fn)
	t.Logf("pairs: %d true positives, %d false positives, %d false negatives; precision %.3f, recall %.3f; "+
		"the most similar pair that is not a copy: %.2f (threshold %.2f)", tp, fp, fn, precision, recall, maxOther, store.CampaignThreshold)
	if precision < 0.99 || recall < 0.95 {
		t.Errorf("precision %.3f and recall %.3f, want at least 0.99 and 0.95", precision, recall)
	}
}

func TestMinHash(t *testing.T) {
	tests := []struct {
		name    string
		a, b    string
		atLeast float64
		below   float64
	}{
		{"the same text", campaigns[0], campaigns[0], 1, 1.01},
		{"case and punctuation do not count", campaigns[1], strings.ToUpper(strings.ReplaceAll(campaigns[1], ",", " ;")), 1, 1.01},
		{"one word changed", campaigns[2], strings.Replace(campaigns[2], "thermostat", "kettle", 1), 0.6, 1},
		{"different comments", unrelated[0], unrelated[1], 0, 0.2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := store.Similarity(MinHash(tt.a), MinHash(tt.b))
			if got < tt.atLeast || got >= tt.below {
				t.Errorf("similarity = %.2f, want in [%.2f, %.2f)", got, tt.atLeast, tt.below)
			}
		})
	}
	if s := MinHash("I agree."); s != nil {
		t.Errorf("a text too short to compare got a signature")
	}
	if got := store.Similarity(MinHash("I agree."), MinHash("I agree.")); got != 0 {
		t.Errorf("short texts: similarity %v, want 0: too short to call copies", got)
	}
}
