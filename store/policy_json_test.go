package store_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dc-isss/accord/store"
)

// TestPolicyJSONLists: a policy read in full writes its provisions and
// mappings even when there are none; on reading, an absent list (keep what
// is stored) stays distinct from an empty one (remove them all).
func TestPolicyJSONLists(t *testing.T) {
	full := store.Policy{Slug: "p", Title: "P", Type: "law", Provisions: []store.Provision{}, Mappings: []store.Mapping{}}
	b, err := json.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"provisions":[]`, `"mappings":[]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("full policy JSON %s lacks %s", b, want)
		}
	}
	listed, _ := json.Marshal(store.Policy{Slug: "p", Title: "P", Type: "law"})
	if strings.Contains(string(listed), "provisions") {
		t.Errorf("a list entry writes provisions it never loaded: %s", listed)
	}
	tests := []struct {
		name, in string
		wantNil  bool
	}{
		{"absent keeps", `{"slug":"p","title":"P","type":"law"}`, true},
		{"empty removes", `{"slug":"p","title":"P","type":"law","provisions":[],"mappings":[]}`, false},
	}
	for _, tt := range tests {
		var p store.Policy
		if err := json.Unmarshal([]byte(tt.in), &p); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if (p.Provisions == nil) != tt.wantNil || (p.Mappings == nil) != tt.wantNil {
			t.Errorf("%s: provisions nil=%v, mappings nil=%v, want nil=%v", tt.name, p.Provisions == nil, p.Mappings == nil, tt.wantNil)
		}
	}
}
