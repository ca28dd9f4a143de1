package web

import (
	"strconv"
	"testing"
)

// TestEditionCacheBounds fills the edition cache past both of its limits,
// as a flood of forged Host headers would, and checks that it stays
// within them and keeps the newest entry.
func TestEditionCacheBounds(t *testing.T) {
	tests := []struct {
		name string
		size int
		puts int
	}{
		{"many small pages", 1 << 10, 3 * editionCacheEntries},
		{"few large pages", editionCacheBody, 4 * editionCacheBytes / editionCacheBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ec editionCache
			var last string
			for i := 0; i < tt.puts; i++ {
				last = "http://host" + strconv.Itoa(i) + "/outcomes/x"
				ec.put(last, &editionEntry{tag: "t", plain: make([]byte, tt.size)})
			}
			total := 0
			for _, e := range ec.entries {
				total += len(e.plain) + len(e.gz)
			}
			if len(ec.entries) > editionCacheEntries || total > editionCacheBytes || total != ec.bytes {
				t.Errorf("after %d puts: %d entries holding %d bytes (counted %d); limits %d entries, %d bytes",
					tt.puts, len(ec.entries), total, ec.bytes, editionCacheEntries, editionCacheBytes)
			}
			if ec.entries[last] == nil {
				t.Errorf("the newest entry was evicted")
			}
		})
	}
	// Putting the same key again replaces it without counting it twice.
	var ec editionCache
	ec.put("k", &editionEntry{plain: make([]byte, 100)})
	ec.put("k", &editionEntry{plain: make([]byte, 50)})
	if ec.bytes != 50 || len(ec.entries) != 1 {
		t.Errorf("replacing an entry: %d bytes in %d entries, want 50 in 1", ec.bytes, len(ec.entries))
	}
}
