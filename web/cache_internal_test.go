package web

import (
	"strconv"
	"testing"
)

// TestPageCacheMakesRoom: a full cache still takes new pages, staying at
// its limit, and drops everything when the database moves on.
func TestPageCacheMakesRoom(t *testing.T) {
	var pc pageCache
	for i := 0; i < pageCacheEntries+50; i++ {
		pc.put(7, "/junk?x="+strconv.Itoa(i), cachedPage{status: 200, body: []byte("x")})
	}
	pc.put(7, "/policies", cachedPage{status: 200, body: []byte("list")})
	if n := len(pc.entries); n != pageCacheEntries {
		t.Errorf("%d entries, want the limit %d", n, pageCacheEntries)
	}
	if p, ok := pc.get(7, "/policies"); !ok || string(p.body) != "list" {
		t.Error("a page put into a full cache is not there")
	}
	if _, ok := pc.get(8, "/policies"); ok {
		t.Error("a page of an older database state was served")
	}
	pc.put(8, "/", cachedPage{status: 200})
	if n := len(pc.entries); n != 1 {
		t.Errorf("%d entries after the state moved on, want 1", n)
	}
}
