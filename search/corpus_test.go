package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/store"
)

// This file generates the synthetic corpus the benchmarks run on: policies
// and provisions that read like the real ones — instrument titles with
// identifiers, summaries and provision texts drawn from a Zipf-distributed
// vocabulary whose most frequent words are the IoT-security ones, real
// jurisdiction codes weighted towards the prolific ones, real types,
// statuses, topics and challenge mappings.

// iotWords head the vocabulary, most frequent first.
var iotWords = strings.Fields(`security device devices data iot consumer manufacturer software update updates
network requirements vulnerability passwords password default secure cybersecurity information services
service user users access risk personal protection management product products connected internet things
authentication encryption firmware disclosure support period supply chain label labelling certification
assessment conformance baseline requirement controls control incident reporting critical infrastructure
privacy communication storage integrity resilience telemetry deletion installation maintenance validation
input identity credentials cryptographic keys interfaces interface attack surface minimise monitoring logging
gateway gateways cloud mobile application applications smart home industrial automotive medical energy
operators operator vendor vendors importers distributors market surveillance authority authorities
obligations obligation compliance conformity declaration essential technical specification standard
standards guidance guideline guidelines principles framework scheme testing evaluation audit auditing
lifecycle design development deployment decommissioning end-of-life patch patches patching remote
wireless bluetooth wifi cellular radio equipment directive regulation act law code practice voluntary
mandatory tiered levels level assurance trust mark trusted hardware root boot secure-boot isolation
sandbox least privilege hardening physical tamper debug ports unused disable disabled enabled enable
configuration configurations secure-by-default transparency documentation sbom components component
third-party open-source libraries dependency dependencies vulnerabilities exploited coordinated
researchers reports report contact point response time timely days months years notification breach
breaches enforcement penalties fines sanctions registration database registry national international
regional harmonised harmonized european union federal state ministry agency centre center council
commission parliament committee working group stakeholders consultation public comments industry
academia government recommendation recommendations measures technical organisational organizational`)

// plainWords are common English words that fill the middle ranks.
var plainWords = strings.Fields(`the of and to in for on with by as be are is this that shall should must may
from or an at which their its not all any other each such these those where when before after
within without between under over into through more less than also including include includes
provide provides provided ensure ensures ensured apply applies applied use used using make made
new existing current future first second third general specific relevant appropriate reasonable
clear clearly available effective effectively sufficient necessary possible only both either`)

// pseudoWords makes the long tail: pronounceable non-words, so rare
// terms exist as they do in real text.
func pseudoWords(r *rand.Rand, n int) []string {
	onsets := strings.Fields("b c d f g k l m n p r s t v z br cr dr gr pr st tr ch sh")
	vowels := strings.Fields("a e i o u ai ea io ou")
	codas := []string{"", "", "n", "r", "s", "t", "l", "m", "x", "nd", "st"}
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var b strings.Builder
		for s := 0; s < 2+r.IntN(2); s++ {
			b.WriteString(onsets[r.IntN(len(onsets))])
			b.WriteString(vowels[r.IntN(len(vowels))])
		}
		b.WriteString(codas[r.IntN(len(codas))])
		if w := b.String(); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// corpus draws words and records.
type corpus struct {
	r     *rand.Rand
	vocab []string
	zipf  *rand.Zipf
	codes []string // jurisdiction codes, prolific ones repeated
}

func newCorpus(seed uint64, js []store.Jurisdiction) *corpus {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	// Interleave so that the head is IoT words with common English among
	// them, as in real policy text.
	var vocab []string
	for i := 0; i < max(len(iotWords), len(plainWords)); i++ {
		if i < len(plainWords) {
			vocab = append(vocab, plainWords[i])
		}
		if i < len(iotWords) {
			vocab = append(vocab, iotWords[i])
		}
	}
	vocab = append(vocab, pseudoWords(r, 30000)...)
	c := &corpus{r: r, vocab: vocab, zipf: rand.NewZipf(r, 1.07, 2, uint64(len(vocab)-1))}
	// The EU, the US, international bodies and a dozen active countries
	// issue most instruments; every other country appears now and then.
	for _, code := range []string{"EU", "US", "INT", "GB", "JP", "SG", "AU", "CN", "DE", "FR", "FI", "IN", "KR", "BR", "CA"} {
		for i := 0; i < 20; i++ {
			c.codes = append(c.codes, code)
		}
	}
	for _, j := range js {
		c.codes = append(c.codes, j.Code)
	}
	return c
}

func (c *corpus) word() string { return c.vocab[c.zipf.Uint64()] }

func (c *corpus) words(lo, hi int) string {
	n := lo + c.r.IntN(hi-lo+1)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = c.word()
	}
	return capitalize(strings.Join(ws, " ")) + "."
}

// capitalize upper-cases the first letter of an ASCII word.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (c *corpus) pick(xs []string) string { return xs[c.r.IntN(len(xs))] }

// policy makes the i-th synthetic policy, with 0 to 8 provisions (4 on
// average), so that policies plus provisions come to about five times
// the number of policies.
func (c *corpus) policy(i int) store.Policy {
	bodies := []string{"ETSI EN", "ISO/IEC", "NISTIR", "ITU-T X.", "RFC", "IEC", "EN", "TS", "SP"}
	kinds := []string{"Act", "Regulation", "Code of Practice", "Guidelines", "Baseline Requirements", "Certification Scheme",
		"Technical Specification", "Strategy", "Framework", "Directive", "Standard"}
	year := 2010 + c.r.IntN(16)
	title := fmt.Sprintf("%s %d %s %s for %s %s", c.pick(bodies), 100+c.r.IntN(9900), capitalize(c.word()),
		c.pick(kinds), capitalize(c.pick(iotWords)), capitalize(c.pick(iotWords)))
	p := store.Policy{
		Slug:          fmt.Sprintf("synthetic-%06d", i),
		Title:         title,
		Jurisdictions: []string{c.pick(c.codes)},
		Issuer:        capitalize(c.word()) + " " + c.pick([]string{"Agency", "Ministry", "Institute", "Commission", "Consortium"}),
		Type:          c.pick(store.PolicyTypes),
		Status:        c.pick(store.PolicyStatuses),
		Binding:       c.pick(store.Bindings),
		Adopted:       store.Date(fmt.Sprintf("%d-%02d-%02d", year, 1+c.r.IntN(12), 1+c.r.IntN(28))),
		Summary:       c.words(25, 70),
		Provisions:    []store.Provision{},
		Mappings:      []store.Mapping{},
	}
	if c.r.IntN(3) == 0 {
		p.Jurisdictions = append(p.Jurisdictions, c.pick(c.codes))
		if p.Jurisdictions[0] == p.Jurisdictions[1] {
			p.Jurisdictions = p.Jurisdictions[:1]
		}
	}
	var topics []string
	for _, t := range store.DefaultTopics {
		topics = append(topics, t.Slug)
	}
	for t := 0; t < 1+c.r.IntN(3); t++ {
		tp := c.pick(topics)
		if !slices.Contains(p.Topics, tp) {
			p.Topics = append(p.Topics, tp)
		}
	}
	for _, item := range []string{"C1", "C2", "C3", "C4", "C5", "C6"} {
		if c.r.IntN(3) == 0 {
			p.Mappings = append(p.Mappings, store.Mapping{Framework: "dc-isss-iot", Item: item,
				Relationship: "intersects-with", Rationale: "synthetic"})
		}
	}
	for v := 0; v < c.r.IntN(9); v++ {
		p.Provisions = append(p.Provisions, store.Provision{
			Ref:    fmt.Sprintf("%d.%d-%d", 5+v/3, v%3+1, v+1),
			Title:  strings.TrimSuffix(c.words(3, 7), "."),
			Text:   c.words(15, 50),
			Topics: []string{c.pick(topics)},
		})
	}
	return p
}

// seedCorpus fills db with the shipped content and then synthetic
// policies until policies plus provisions reach records.
func seedCorpus(ctx context.Context, db *store.DB, records int) error {
	b, err := content.ReadBundle(content.Builtin())
	if err != nil {
		return err
	}
	if _, err := content.Seed(ctx, db, b); err != nil {
		return err
	}
	js, err := db.Jurisdictions(ctx)
	if err != nil {
		return err
	}
	c := newCorpus(42, js)
	n := len(b.Policies)
	var batch []store.Policy
	for i := 0; n < records; i++ {
		p := c.policy(i)
		n += 1 + len(p.Provisions)
		batch = append(batch, p)
		if len(batch) == 500 {
			if _, err := db.SavePolicies(ctx, batch, store.CreateOnly); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if _, err := db.SavePolicies(ctx, batch, store.CreateOnly); err != nil {
			return err
		}
	}
	return nil
}
