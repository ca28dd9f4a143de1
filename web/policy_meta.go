package web

import (
	"encoding/json"
	"fmt"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
)

// legislationTypes are the policy types schema.org calls Legislation
// (DECISIONS §4); every other instrument is a CreativeWork.
var legislationTypes = map[string]bool{"law": true, "regulation": true}

// legalForce says a policy's status in schema.org's LegalForceStatus
// words, for the statuses that map to one without guessing.
var legalForce = map[string]string{
	"in-force":   "https://schema.org/InForce",
	"repealed":   "https://schema.org/NotInForce",
	"superseded": "https://schema.org/NotInForce",
	"withdrawn":  "https://schema.org/NotInForce",
}

type ldOrganization struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

type ldPlace struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

// policyLD is a policy as schema.org describes it. Only what the
// knowledge base records is said: a field it does not know is left out.
type policyLD struct {
	Context       string   `json:"@context"`
	Type          string   `json:"@type"`
	Name          string   `json:"name"`
	AlternateName string   `json:"alternateName,omitempty"`
	Description   string   `json:"description,omitempty"`
	URL           string   `json:"url"`
	SameAs        string   `json:"sameAs,omitempty"`
	InLanguage    string   `json:"inLanguage,omitempty"`
	Jurisdiction  []string `json:"legislationJurisdiction,omitempty"`
	LegalForce    string   `json:"legislationLegalForce,omitempty"`
	LegDate       string   `json:"legislationDate,omitempty"`
	// ldOrganization pointers, so that an unknown issuer is left out.
	PassedBy        *ldOrganization `json:"legislationPassedBy,omitempty"`
	SpatialCoverage []ldPlace       `json:"spatialCoverage,omitempty"`
	DatePublished   string          `json:"datePublished,omitempty"`
	Publisher       *ldOrganization `json:"publisher,omitempty"`
}

// policyJSONLD describes a policy for search engines: Legislation for a
// law or regulation, CreativeWork otherwise, with its jurisdictions, its
// date of adoption and its issuer when known, its page as url and the
// official text as sameAs.
func policyJSONLD(p store.Policy, jurisdictions []views.Named, pageURL string) (string, error) {
	ld := policyLD{Context: "https://schema.org", Name: p.Title, Description: p.Summary, URL: pageURL, SameAs: p.URL,
		InLanguage: p.Language}
	if p.ShortTitle != "" && p.ShortTitle != p.Title {
		ld.AlternateName = p.ShortTitle
	}
	var issuer *ldOrganization
	if p.Issuer != "" {
		issuer = &ldOrganization{Type: "Organization", Name: p.Issuer}
	}
	if legislationTypes[p.Type] {
		ld.Type = "Legislation"
		for _, j := range jurisdictions {
			ld.Jurisdiction = append(ld.Jurisdiction, j.Name)
		}
		ld.LegDate = string(p.Adopted)
		ld.LegalForce = legalForce[p.Status]
		ld.PassedBy = issuer
	} else {
		ld.Type = "CreativeWork"
		for _, j := range jurisdictions {
			ld.SpatialCoverage = append(ld.SpatialCoverage, ldPlace{Type: "Place", Name: j.Name})
		}
		ld.DatePublished = string(p.Adopted)
		ld.Publisher = issuer
	}
	b, err := json.Marshal(ld)
	if err != nil {
		return "", fmt.Errorf("policy %s as JSON-LD: %w", p.Slug, err)
	}
	return string(b), nil
}

// policyOpenGraph is what link previews show of a policy page.
func policyOpenGraph(p store.Policy, pageURL string) *views.OpenGraph {
	return &views.OpenGraph{Type: "article", Title: p.Title, Description: p.Summary, URL: pageURL}
}
