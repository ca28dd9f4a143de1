package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

// member creates a member and returns a context whose writes are theirs.
func member(t *testing.T, db *store.DB, email string) context.Context {
	t.Helper()
	u, err := db.CreateUser(context.Background(), store.User{Email: email, Name: "Name of " + email, Role: "editor"}, "x")
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return store.WithActor(context.Background(), store.Actor{UserID: u.ID, Email: email})
}

// approveMarked has a reviewer approve each mapping of ps marked Reviewed:
// a save by a process, as in fixtures, never reviews.
func approveMarked(t *testing.T, db *store.DB, ps []store.Policy) {
	t.Helper()
	reviewer := member(t, db, "fixture-reviewer@example.org")
	for _, p := range ps {
		saved, err := db.Policy(context.Background(), p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range p.Mappings {
			if !want.Reviewed {
				continue
			}
			for _, m := range saved.Mappings {
				if m.Framework == want.Framework && m.Item == want.Item && m.Provision == want.Provision {
					if _, err := db.ReviewMapping(reviewer, m.ID, store.Review{Action: store.ReviewApprove}); err != nil {
						t.Fatalf("approve %s %s: %v", p.Slug, m.Item, err)
					}
				}
			}
		}
	}
}

// fieldErr returns the message of a validation error on field, or "".
func fieldErr(err error, field string) string {
	var ve *store.ValidationError
	if errors.As(err, &ve) {
		return ve.Fields[field]
	}
	return ""
}

func TestMappingReviewRules(t *testing.T) {
	db := openCoverageFixture(t)
	author := member(t, db, "author@example.org")
	other := member(t, db, "other@example.org")
	third := member(t, db, "third@example.org")
	ctx := context.Background()

	// A member adds a mapping asking for it to be reviewed: refused.
	_, err := db.AddMapping(author, store.Mapping{Policy: "ke-strategy", Framework: "fx", Item: "C1",
		Relationship: "intersects-with", Rationale: "Names C1.", Reviewed: true})
	if fieldErr(err, "reviewed") == "" {
		t.Fatalf("author asking to review their new mapping: err %v, want a field error on reviewed", err)
	}
	m, err := db.AddMapping(author, store.Mapping{Policy: "ke-strategy", Framework: "fx", Item: "C1",
		Relationship: "intersects-with", Rationale: "Names C1."})
	if err != nil || m.Reviewed || m.CreatedBy == 0 {
		t.Fatalf("add: %+v, %v; want an unreviewed mapping with its author", m, err)
	}
	// The author cannot review it, in either way.
	for _, try := range []func() error{
		func() error {
			_, err := db.ReviewMapping(author, m.ID, store.Review{Action: store.ReviewApprove})
			return err
		},
		func() error { m2 := m; m2.Reviewed = true; _, err := db.UpdateMapping(author, m.ID, m2); return err },
		func() error {
			_, err := db.ReviewMapping(ctx, m.ID, store.Review{Action: store.ReviewApprove})
			return err
		},
	} {
		if err := try(); fieldErr(err, "reviewed") == "" {
			t.Errorf("review by the author or no member: err %v, want a field error on reviewed", err)
		}
	}
	// Another member approves it through the mapping itself.
	m2 := m
	m2.Reviewed = true
	got, err := db.UpdateMapping(other, m.ID, m2)
	if err != nil || !got.Reviewed || got.ReviewedBy != "Name of other@example.org" || got.ReviewedAt == "" {
		t.Fatalf("approval by another member: %+v, %v", got, err)
	}
	if n := coverageOf(t, db, true)["C1"]; n != 3 {
		t.Errorf("reviewed coverage of C1 after approval = %d, want 3", n)
	}
	// Saving the policy unchanged keeps the review; changing the mapping
	// resets it, and the amender becomes an author.
	p, _ := db.Policy(ctx, "ke-strategy")
	if _, err := db.SavePolicy(author, p, store.Upsert); err != nil {
		t.Fatal(err)
	}
	if got, _ = db.Mapping(ctx, m.ID); !got.Reviewed {
		t.Errorf("unchanged save lost the review: %+v", got)
	}
	m3 := got
	m3.Rationale = "Names C1 in section 2."
	m3.Reviewed = false
	if got, err = db.UpdateMapping(other, m.ID, m3); err != nil || got.Reviewed || got.ReviewedBy != "" || got.ReviewedAt != "" {
		t.Fatalf("change: %+v, %v; want the review reset", got, err)
	}
	if _, err := db.ReviewMapping(other, m.ID, store.Review{Action: store.ReviewApprove}); fieldErr(err, "reviewed") == "" {
		t.Errorf("amender reviewing their amendment: err %v, want refused", err)
	}
	// A third member rejects it: kept, marked, counted nowhere.
	if _, err := db.ReviewMapping(third, m.ID, store.Review{Action: store.ReviewReject}); fieldErr(err, "note") == "" {
		t.Errorf("reject without a note: err %v, want a field error on note", err)
	}
	got, err = db.ReviewMapping(third, m.ID, store.Review{Action: store.ReviewReject, Note: "C1 is not named."})
	if err != nil || !got.Rejected || got.Reviewed || got.ReviewNote != "C1 is not named." {
		t.Fatalf("reject: %+v, %v", got, err)
	}
	if n := coverageOf(t, db, false)["C1"]; n != 3 {
		t.Errorf("coverage of C1 with the rejected mapping = %d, want 3 (not counted)", n)
	}
	tally, err := db.FrameworkTally(ctx, "fx")
	if err != nil {
		t.Fatal(err)
	}
	q, err := db.UnreviewedMappings(ctx, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range q.Mappings {
		if u.ID == m.ID {
			t.Errorf("the rejected mapping is in the review queue")
		}
	}
	if q.Total != tally.Mappings-tally.Reviewed {
		t.Errorf("queue total %d, tally %+v", q.Total, tally)
	}
	if _, err := db.ReviewMapping(third, 99999, store.Review{Action: store.ReviewApprove}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown mapping: err %v, want ErrNotFound", err)
	}
}

func TestImportNeverReviews(t *testing.T) {
	db := openCoverageFixture(t)
	admin := member(t, db, "admin@example.org")
	ctx := context.Background()
	// A process (import, command line) asking for review is ignored.
	_, err := db.AddMapping(ctx, store.Mapping{Policy: "ke-strategy", Framework: "fx", Item: "C2",
		Relationship: "equal", Rationale: "Shipped.", Reviewed: true})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := db.Policy(ctx, "ke-strategy")
	if p.Mappings[0].Reviewed || p.Mappings[0].CreatedBy != 0 {
		t.Fatalf("mapping saved by a process: %+v, want unreviewed and without author", p.Mappings[0])
	}
	// Shipped mappings have no author: any member may review them.
	if _, err := db.ReviewMapping(admin, p.Mappings[0].ID, store.Review{Action: store.ReviewApprove}); err != nil {
		t.Fatalf("review of a shipped mapping: %v", err)
	}
}

func coverageOf(t *testing.T, db *store.DB, reviewed bool) map[string]int {
	t.Helper()
	cv, err := db.Coverage(context.Background(), store.CoverageOptions{Framework: "fx", Reviewed: reviewed})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, it := range cv.Items {
		out[it.Code] = it.Policies
	}
	return out
}

// An approval given with the policy (reviewed: true on a save or an
// import by a member) is audited like one given through ReviewMapping.
func TestApprovalWithPolicyIsAudited(t *testing.T) {
	db := openCoverageFixture(t)
	author := member(t, db, "author@example.org")
	other := member(t, db, "other@example.org")
	m, err := db.AddMapping(author, store.Mapping{Policy: "ke-strategy", Framework: "fx", Item: "C1",
		Relationship: "intersects-with", Rationale: "Names C1."})
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.Policy(context.Background(), "ke-strategy")
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Mappings {
		if p.Mappings[i].ID == m.ID {
			p.Mappings[i].Reviewed = true
		}
	}
	if _, err := db.SavePolicy(other, p, store.UpdateOnly); err != nil {
		t.Fatal(err)
	}
	saved, _ := db.Policy(context.Background(), "ke-strategy")
	var id int64
	for _, sm := range saved.Mappings {
		if sm.Framework == "fx" && sm.Item == "C1" && sm.Provision == "" {
			if !sm.Reviewed {
				t.Fatalf("mapping not approved by the save: %+v", sm)
			}
			id = sm.ID
		}
	}
	events, _, err := db.Audit(context.Background(), store.AuditFilter{Action: "mapping.approve", Actor: "other@"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Object != fmt.Sprintf("mapping/%d", id) || events[0].Actor != "other@example.org" ||
		!strings.Contains(events[0].Detail, "ke-strategy") {
		t.Fatalf("audit of the approval: %+v, want one mapping.approve of mapping/%d by other@example.org", events, id)
	}
	// Saving again unchanged approves nothing new.
	if _, err := db.SavePolicy(other, saved, store.UpdateOnly); err != nil {
		t.Fatal(err)
	}
	if events, _, _ := db.Audit(context.Background(), store.AuditFilter{Action: "mapping.approve", Actor: "other@"}); len(events) != 1 {
		t.Errorf("after an unchanged save: %d approvals audited, want 1", len(events))
	}
}
