package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"hash/fnv"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// Limits of the edition cache: an edition page is 20 to 200 KB and there
// are a handful of outcomes, each with its editions.
const (
	editionCacheEntries = 200
	editionCacheBody    = 4 << 20
	editionCacheBytes   = 32 << 20 // plain and compressed together
	// editionStateTTL is how long the newest edition number and status of
	// a document are believed before they are read again: a new edition,
	// or an archived document, shows on every node within this time.
	editionStateTTL = time.Second
)

// editionCache serves published editions to anonymous readers from memory,
// before the session, CSRF and per-request SQL work the rest of the stack
// does. An edition's text and record never change; what may change is
// only whether a newer edition exists and whether the document was
// archived (the pages say so), so a cached answer is keyed by both, read
// from the database again after any write of this process, and at most a
// second after the last read otherwise (another node's, or the CLI's,
// writes). The same pair is in the strong ETag, one per encoding.
type editionCache struct {
	mu      sync.RWMutex
	entries map[string]*editionEntry
	bytes   int // held by entries
	states  map[string]editionState
}

type editionState struct {
	tag     string // "<newest>-<status>"
	checked time.Time
	commits uint64 // the store's LocalCommits when checked
}

type editionEntry struct {
	tag         string
	contentType string
	plain, gz   []byte
}

// renderTag names the build that renders the pages, so that a new
// release (whose templates may differ) changes every ETag: the VCS
// revision the binary was built from, or, without one (go run of a
// modified tree, tests), the moment this process started.
var renderTag = func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev string
		modified := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if len(rev) >= 12 && !modified {
			return rev[:12]
		}
	}
	return strconv.FormatInt(time.Now().UnixNano(), 36)
}()

// etag is the entry's strong ETag for one encoding.
func (e *editionEntry) etag(gz bool) string {
	if gz {
		return `"ed-` + e.tag + `-gz"`
	}
	return `"ed-` + e.tag + `"`
}

// editionSlug returns the document slug of an outcome edition page
// (/outcomes/{slug}, /outcomes/{slug}/editions/{n}), "" for any other
// path. The downloads (.md, .html, .pdf) keep their own cache, ETags and
// headers (outcome_downloads.go): they are asked for rarely.
func editionSlug(path string) string {
	rest, ok := strings.CutPrefix(path, "/outcomes/")
	if !ok || rest == "" {
		return ""
	}
	slug, tail, _ := strings.Cut(rest, "/")
	if tail != "" {
		n, ok := strings.CutPrefix(tail, "editions/")
		if !ok || n == "" || strings.Contains(n, "/") {
			return ""
		}
	}
	if strings.ContainsRune(rest, '.') {
		return ""
	}
	return slug
}

// editionState is the document's OutcomeState as a tag; "" when the
// document has no edition or the state cannot be read (the request then
// takes the ordinary path).
func (s *Server) editionState(ctx context.Context, slug string) string {
	now := time.Now()
	commits := s.db.LocalCommits()
	s.editions.mu.RLock()
	st, ok := s.editions.states[slug]
	s.editions.mu.RUnlock()
	if ok && st.commits == commits && now.Sub(st.checked) < editionStateTTL {
		return st.tag
	}
	o, err := s.db.OutcomeState(ctx, slug)
	if err != nil {
		s.log.Warn("edition cache: read the outcome state", "slug", slug, "err", err)
		return ""
	}
	if o.Newest == 0 {
		return ""
	}
	group := fnv.New32a()
	group.Write([]byte(o.GroupName))
	tag := fmt.Sprintf("%s-%d-%s-%d-%08x-%s", slug, o.Newest, o.Status, o.Withdrawn, group.Sum32(), renderTag)
	s.editions.mu.Lock()
	if s.editions.states == nil || len(s.editions.states) > 4*editionCacheEntries {
		s.editions.states = map[string]editionState{}
	}
	s.editions.states[slug] = editionState{tag: tag, checked: now, commits: commits}
	s.editions.mu.Unlock()
	return tag
}

// serveEditions is the fast path: a Pre middleware, so it runs before
// routing and the session, CSRF and gzip middleware. A signed-in reader
// (any session cookie) or one with a message to see (flash cookie) takes
// the ordinary path, which answers them with no-store.
func (s *Server) serveEditions(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		// The static export renders its own copy (no search box), which
		// must neither come from this cache nor go into it.
		if req.Method != http.MethodGet || req.URL.RawQuery != "" || isStaticExport(req.Context()) {
			return next(c)
		}
		slug := editionSlug(req.URL.Path)
		if slug == "" {
			return next(c)
		}
		if hasSessionCookie(req) {
			return next(c)
		}
		if ck, err := req.Cookie(flashCookie); err == nil && ck.Value != "" {
			return next(c)
		}
		tag := s.editionState(req.Context(), slug)
		if tag == "" {
			return next(c)
		}
		// Absolute links (canonical, Open Graph, citations) are on the base
		// URL, or without one on the request's scheme and host, which are
		// then part of the key (and the byte budget bounds what forged
		// hosts can hold).
		key := s.absURL(c, req.URL.Path)
		s.editions.mu.RLock()
		e, ok := s.editions.entries[key]
		s.editions.mu.RUnlock()
		if ok && e.tag == tag {
			route := "/outcomes/:slug"
			if strings.Contains(req.URL.Path, "/editions/") {
				route = "/outcomes/:slug/editions/:n"
			}
			err := s.writeEdition(c, e)
			// The metrics middleware never sees these answers.
			s.metrics.requests.WithLabelValues(http.MethodGet, route+" (edition cache)", strconv.Itoa(c.Response().Status)).Inc()
			return err
		}
		return s.fillEdition(c, next, key, tag)
	}
}

// writeEdition answers from the cache: 304 when the reader has it.
func (s *Server) writeEdition(c echo.Context, e *editionEntry) error {
	gz := e.gz != nil && strings.Contains(c.Request().Header.Get(echo.HeaderAcceptEncoding), "gzip")
	h := c.Response().Header()
	etag := e.etag(gz)
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, no-cache")
	h.Set("Vary", "Accept-Encoding, Cookie")
	if inm := c.Request().Header.Get("If-None-Match"); inm != "" && etagMatches(inm, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	h.Set(echo.HeaderContentType, e.contentType)
	body := e.plain
	if gz {
		h.Set(echo.HeaderContentEncoding, "gzip")
		body = e.gz
	}
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	c.Response().WriteHeader(http.StatusOK)
	_, err := c.Response().Write(body)
	return err
}

// etagMatches reports whether an If-None-Match list names etag.
func etagMatches(list, etag string) bool {
	for _, t := range strings.Split(list, ",") {
		if t = strings.TrimSpace(t); t == etag || t == "*" {
			return true
		}
	}
	return false
}

// fillEdition lets the ordinary path answer, uncompressed, keeps a copy
// of a 200 for the next readers, and gives this reader the same headers
// the cached answer will carry.
func (s *Server) fillEdition(c echo.Context, next echo.HandlerFunc, key, tag string) error {
	req := c.Request()
	req.Header.Del(echo.HeaderAcceptEncoding)
	w := &editionWriter{ResponseWriter: c.Response().Writer, etag: `"ed-` + tag + `"`}
	c.Response().Writer = w
	err := next(c)
	c.Response().Writer = w.ResponseWriter
	if err != nil || w.status != http.StatusOK || w.overflow || w.buf.Len() == 0 {
		return err
	}
	h := c.Response().Header()
	if strings.Contains(h.Get("Cache-Control"), "no-store") {
		return nil // the handler saw a reader we must not share pages with
	}
	e := &editionEntry{tag: tag, contentType: h.Get(echo.HeaderContentType), plain: bytes.Clone(w.buf.Bytes())}
	if len(e.plain) >= 1024 {
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		if _, err := zw.Write(e.plain); err == nil && zw.Close() == nil {
			e.gz = z.Bytes()
		}
	}
	s.editions.put(key, e)
	return nil
}

// put keeps e under key, first making room: an arbitrary entry (Go's map
// order is random) goes while there are too many or they hold too much.
func (ec *editionCache) put(key string, e *editionEntry) {
	size := len(e.plain) + len(e.gz)
	ec.mu.Lock()
	defer ec.mu.Unlock()
	if ec.entries == nil {
		ec.entries = map[string]*editionEntry{}
	}
	if old, ok := ec.entries[key]; ok {
		ec.bytes -= len(old.plain) + len(old.gz)
		delete(ec.entries, key)
	}
	for k, old := range ec.entries {
		if len(ec.entries) < editionCacheEntries && ec.bytes+size <= editionCacheBytes {
			break
		}
		ec.bytes -= len(old.plain) + len(old.gz)
		delete(ec.entries, k)
	}
	ec.entries[key] = e
	ec.bytes += size
}

// editionWriter copies a 200 answer, up to a limit, and sets the cache
// headers on it (and on nothing else: an error page is not immutable).
type editionWriter struct {
	http.ResponseWriter
	etag     string
	status   int
	buf      bytes.Buffer
	overflow bool
}

func (w *editionWriter) WriteHeader(status int) {
	w.status = status
	if status == http.StatusOK {
		h := w.Header()
		if !strings.Contains(h.Get("Cache-Control"), "no-store") {
			h.Set("ETag", w.etag)
			h.Set("Cache-Control", "public, no-cache")
			h.Set("Vary", "Accept-Encoding, Cookie")
			// A shared cache must not hand one reader's cookie (the CSRF
			// cookie set on a first visit) to everyone.
			h.Del("Set-Cookie")
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *editionWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.status == http.StatusOK && !w.overflow {
		if w.buf.Len()+len(b) > editionCacheBody {
			w.overflow = true
			w.buf.Reset()
		} else {
			w.buf.Write(b)
		}
	}
	return w.ResponseWriter.Write(b)
}
