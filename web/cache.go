package web

import (
	"bytes"
	"net/http"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"
)

// Limits of the page cache: it holds the public pages of one state of the
// database, so a few hundred entries cover what readers are looking at;
// at most 500 × 256 KB, in practice a few MB (pages are 5 to 80 KB).
const (
	pageCacheEntries = 500
	pageCacheBody    = 256 << 10
)

// pageCache keeps the public pages that anonymous readers get, rendered
// once per state of the database. The state is the last sequence number of
// the changes feed, which every write moves on, from this process or any
// other; so a cached page is never older than the database, and the whole
// cache is dropped when the feed moves. The same number is the page's
// ETag, so a browser revalidating gets a 304 with no body.
type pageCache struct {
	mu      sync.Mutex
	seq     int64
	entries map[string]cachedPage
}

type cachedPage struct {
	status      int
	contentType string
	body        []byte
}

func (pc *pageCache) get(seq int64, key string) (cachedPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.seq != seq {
		return cachedPage{}, false
	}
	p, ok := pc.entries[key]
	return p, ok
}

func (pc *pageCache) put(seq int64, key string, p cachedPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.seq != seq || pc.entries == nil {
		pc.seq, pc.entries = seq, map[string]cachedPage{}
	}
	// When full, an arbitrary entry (Go's map order is randomised) makes
	// room: a flood of junk URLs then only thins the cache out, instead of
	// keeping real pages out of it until the next write.
	for k := range pc.entries {
		if len(pc.entries) < pageCacheEntries {
			break
		}
		delete(pc.entries, k)
	}
	pc.entries[key] = p
}

// teeWriter copies what a handler writes, up to a limit.
type teeWriter struct {
	http.ResponseWriter
	buf      bytes.Buffer
	overflow bool
}

func (w *teeWriter) Write(b []byte) (int, error) {
	if !w.overflow {
		if w.buf.Len()+len(b) > pageCacheBody {
			w.overflow = true
			w.buf.Reset()
		} else {
			w.buf.Write(b)
		}
	}
	return w.ResponseWriter.Write(b)
}

// cached serves a public GET page from the page cache when it can. Signed-in
// readers, and requests carrying a one-time confirmation, always get a fresh
// render: their pages differ from the anonymous one.
func (s *Server) cached(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		// The static export's pages differ from the served ones (no search
		// box), so they neither come from the cache nor go into it.
		if req.Method != http.MethodGet || userFrom(c) != nil || isStaticExport(req.Context()) {
			return next(c)
		}
		if ck, err := c.Cookie(flashCookie); err == nil && ck.Value != "" {
			return next(c)
		}
		seq, err := s.db.LastChange(req.Context())
		if err != nil {
			return next(c)
		}
		etag := `W/"accord-` + strconv.FormatInt(seq, 10) + `"`
		h := c.Response().Header()
		h.Set("ETag", etag)
		h.Set("Cache-Control", "no-cache")
		h.Add("Vary", "Cookie")
		// Pages such as the feed carry absolute links built from the
		// request's scheme and host when no base URL is set, so those are
		// part of the key (absURL gives exactly what the page uses): a
		// forged Host header can only ever be served back to its sender.
		key := s.absURL(c, req.URL.RequestURI())
		if p, ok := s.pages.get(seq, key); ok {
			// Only a page known to be a 200 at this state is "not modified":
			// an unknown URL with a guessed ETag still gets its 404.
			if etagMatches(req.Header.Get("If-None-Match"), etag) {
				return c.NoContent(http.StatusNotModified)
			}
			h.Set(echo.HeaderContentType, p.contentType)
			c.Response().WriteHeader(p.status)
			_, err := c.Response().Write(p.body)
			return err
		}
		tee := &teeWriter{ResponseWriter: c.Response().Writer}
		c.Response().Writer = tee
		err = next(c)
		c.Response().Writer = tee.ResponseWriter
		if err == nil && c.Response().Status == http.StatusOK && !tee.overflow && tee.buf.Len() > 0 {
			s.pages.put(seq, key, cachedPage{status: http.StatusOK, contentType: h.Get(echo.HeaderContentType),
				body: bytes.Clone(tee.buf.Bytes())})
		}
		return err
	}
}
