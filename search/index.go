// Package search is Accord's full-text search: one bleve index (scorch) of
// every searchable record — policies, provisions, document blocks and
// approved comments — derived from the database and kept current by tailing
// its changes feed. It answers ranked, faceted, highlighted queries.
//
// The database is the system of record; the index can always be deleted
// and rebuilt from it. Open never blocks on a rebuild: an index that is
// missing, unreadable, corrupt or written by another version of the code
// is rebuilt by Follow (or CatchUp or Rebuild), and until then Search
// answers ErrNotReady.
package search

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/dc-isss/accord/store"
)

// Errors callers act on.
var (
	// ErrNotReady means the index is being built; the web answers 503.
	ErrNotReady = errors.New("the search index is being built; try again in a minute")
	// ErrClosed means the index was closed.
	ErrClosed = errors.New("search index closed")
	// ErrInUse means another process holds the index folder open (a
	// running server, when `accord reindex` starts): the index is fine,
	// it just cannot have two writers.
	ErrInUse = errors.New("search index is in use by another process")
)

// Internal keys of the index: the last change applied and the schema the
// index was written with.
var (
	keySeq    = []byte("accord.seq")
	keySchema = []byte("accord.schema")
)

const (
	// batchSize is how many docs go into one bleve batch: big enough to
	// amortise scorch's per-batch segment and fsync, small enough to keep
	// the batch's memory modest.
	batchSize = 1000
	// changesPage is how many feed entries one catch-up round reads.
	changesPage = 1000
	// rebuildBehind: when the index is further behind the feed than this,
	// a bulk rebuild (a few bulk queries per 500 policies) beats replaying
	// the feed (a few queries per change).
	rebuildBehind = 20000
)

// Index is the search index of one data folder. It is safe for concurrent
// use: searches run in parallel with each other and with the one writer
// (Follow, CatchUp or Rebuild) that feeds the index at a time.
type Index struct {
	dir     string
	db      *store.DB
	log     *slog.Logger
	mapping *mapping.IndexMappingImpl

	// mu guards bi and closed. Searches and feed writes hold it for
	// reading (bleve serialises its own writers); a rebuild's final swap
	// and Close hold it for writing.
	mu     sync.RWMutex
	bi     bleve.Index // nil while no usable index is open
	closed bool
	facets *facetCache // the facet ordinals of bi's segments

	ready atomic.Bool
	// synonyms is the vocabulary queries are expanded with (see
	// SetSynonyms); nil means none.
	synonyms atomic.Pointer[compiledSynonyms]

	// writeMu makes Follow, CatchUp and Rebuild take turns; it guards the
	// fields below.
	writeMu     sync.Mutex
	seq         int64 // the last change applied to bi
	needRebuild bool
}

// config is scorch's runtime configuration. bolt_timeout makes opening an
// index that another process holds fail (ErrInUse) instead of waiting
// forever on its file lock.
func config() map[string]any {
	return map[string]any{"bolt_timeout": "1s"}
}

// Open opens the index in dir, or prepares to build it there. It fails
// only when the index cannot be used at all (ErrInUse, or a bad mapping);
// an index that is missing, corrupt or of another schema version is
// logged and left for the first Follow, CatchUp or Rebuild to rebuild.
func Open(dir string, db *store.DB, log *slog.Logger) (*Index, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	ix := &Index{dir: dir, db: db, log: log, mapping: m, facets: newFacetCache()}
	bi, seq, err := openExisting(dir)
	switch {
	case err == nil:
		ix.bi, ix.seq = bi, seq
		if err := ix.warmFacets(bi); err != nil {
			log.Warn("read the facets of the search index", "err", err)
		}
		ix.ready.Store(true)
	case errors.Is(err, ErrInUse):
		return nil, fmt.Errorf("open search index %s: %w", dir, err)
	case errors.Is(err, fs.ErrNotExist):
		// A new data folder, or one whose index was deleted on purpose.
		log.Info("no search index yet; it will be built from the database", "dir", dir)
		ix.needRebuild = true
	default:
		log.Warn("search index unusable; it will be rebuilt from the database", "dir", dir, "reason", err)
		ix.needRebuild = true
	}
	return ix, nil
}

// openExisting opens and checks the index in dir: it must open, carry our
// schema version and a change sequence, and answer a search that reads a
// stored field. Truncated or garbled files fail one of these (scorch reads
// every segment's footer on open, the search touches the rest); a panic in
// bleve on bad bytes counts as corruption too.
func openExisting(dir string) (bi bleve.Index, seq int64, err error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, 0, fmt.Errorf("no index: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			if bi != nil {
				closeQuietly(bi)
			}
			bi, seq, err = nil, 0, fmt.Errorf("index corrupt: %v", r)
		}
	}()
	bi, err = bleve.OpenUsing(dir, config())
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, 0, ErrInUse
		}
		return nil, 0, err
	}
	fail := func(err error) (bleve.Index, int64, error) {
		closeQuietly(bi)
		return nil, 0, err
	}
	schema, err := bi.GetInternal(keySchema)
	if err != nil {
		return fail(fmt.Errorf("read schema version: %w", err))
	}
	if string(schema) != schemaVersion {
		return fail(fmt.Errorf("schema version %q, want %q", schema, schemaVersion))
	}
	raw, err := bi.GetInternal(keySeq)
	if err != nil {
		return fail(fmt.Errorf("read change sequence: %w", err))
	}
	seq, err = strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return fail(fmt.Errorf("change sequence %q: %w", raw, err))
	}
	if _, err := bi.DocCount(); err != nil {
		return fail(fmt.Errorf("count docs: %w", err))
	}
	req := bleve.NewSearchRequestOptions(query.NewMatchAllQuery(), 1, 0, false)
	req.Fields = []string{"title", "text"}
	if _, err := bi.Search(req); err != nil {
		return fail(fmt.Errorf("probe search: %w", err))
	}
	return bi, seq, nil
}

func closeQuietly(bi bleve.Index) {
	defer func() { _ = recover() }() // closing a corrupt index may panic too
	_ = bi.Close()
}

// SetSynonyms makes later queries expand with the vocabulary s (nil:
// none). It is applied when queries are planned, so the index itself does
// not change.
func (ix *Index) SetSynonyms(s *Synonyms) {
	ix.synonyms.Store(compileSynonyms(s, ix.mapping.AnalyzerNamed(en.AnalyzerName)))
}

// Ready reports whether searches can be answered: false from Open until
// the first rebuild completes, when the index had to be rebuilt.
func (ix *Index) Ready() bool { return ix.ready.Load() }

// Close closes the index. A Follow still running should be stopped (its
// context cancelled) first; anything it does after Close fails with
// ErrClosed.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.closed = true
	ix.ready.Store(false)
	if ix.bi == nil {
		return nil
	}
	err := ix.bi.Close()
	ix.bi = nil
	if err != nil {
		return fmt.Errorf("close search index: %w", err)
	}
	return nil
}

// Rebuild builds a fresh index from the database and swaps it in; until
// the swap, the old index (if usable) keeps answering. progress, when not
// nil, is called after each batch with the records indexed so far and the
// number expected (read before the scan, so a concurrent import can make
// done pass total; total is then raised to done).
func (ix *Index) Rebuild(ctx context.Context, progress func(done, total int)) error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	return ix.rebuild(ctx, progress)
}

func (ix *Index) rebuild(ctx context.Context, progress func(done, total int)) error {
	if ix.isClosed() {
		return ErrClosed
	}
	stats, err := ix.db.Stats(ctx)
	if err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	total := stats.Policies + stats.Provisions + stats.Comments
	js, err := ix.db.Jurisdictions(ctx)
	if err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	pl := newPlaces(js)

	tmp := ix.dir + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("rebuild search index: clear %s: %w", tmp, err)
	}
	bi, err := bleve.NewUsing(tmp, ix.mapping, scorch.Name, scorch.Name, config())
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return fmt.Errorf("rebuild search index in %s: %w", tmp, ErrInUse)
		}
		return fmt.Errorf("rebuild search index: create %s: %w", tmp, err)
	}
	abandon := func(err error) error {
		closeQuietly(bi)
		_ = os.RemoveAll(tmp)
		return err
	}
	done := 0
	report := func() {
		if progress != nil {
			progress(done, max(total, done))
		}
	}
	batch := bi.NewBatch()
	flush := func() error {
		if err := bi.Batch(batch); err != nil {
			return fmt.Errorf("rebuild search index: write batch: %w", err)
		}
		batch.Reset()
		report()
		return ctx.Err()
	}
	seq, err := ix.db.EachPolicy(ctx, func(p store.Policy) error {
		for _, d := range policyDocs(p, pl) {
			if err := indexDoc(batch, ix.mapping, d); err != nil {
				return fmt.Errorf("rebuild search index: %w", err)
			}
			done++
		}
		if batch.Size() >= batchSize {
			return flush()
		}
		return nil
	})
	if err != nil {
		return abandon(err)
	}
	// Framework items: a framework's change rebuilds the index (see
	// apply), so they are read here only.
	fws, err := ix.db.Frameworks(ctx)
	if err != nil {
		return abandon(fmt.Errorf("rebuild search index: %w", err))
	}
	for _, fw := range fws {
		f, err := ix.db.Framework(ctx, fw.Slug)
		if err != nil {
			return abandon(fmt.Errorf("rebuild search index: framework %s: %w", fw.Slug, err))
		}
		for _, d := range itemDocs(f) {
			if err := indexDoc(batch, ix.mapping, d); err != nil {
				return abandon(fmt.Errorf("rebuild search index: %w", err))
			}
			done++
		}
	}
	// Documents are read after the policies' consistent scan, so any of
	// their changes the scan's sequence does not cover is applied again
	// by the next catch-up, which is harmless: applying is idempotent.
	slugs, err := ix.db.DocumentSlugs(ctx)
	if err != nil {
		return abandon(fmt.Errorf("rebuild search index: %w", err))
	}
	for _, slug := range slugs {
		docs, err := ix.documentBlocks(ctx, slug)
		if err != nil {
			return abandon(fmt.Errorf("rebuild search index: document %s: %w", slug, err))
		}
		for _, d := range docs {
			if err := indexDoc(batch, ix.mapping, d); err != nil {
				return abandon(fmt.Errorf("rebuild search index: %w", err))
			}
			done++
		}
		if batch.Size() >= batchSize {
			if err := flush(); err != nil {
				return abandon(err)
			}
		}
	}
	// Approved comments, in batches by id; like documents, read after the
	// scan, so a change the scan's sequence does not cover is applied
	// again by the next catch-up.
	titles := consultationTitles{db: ix.db}
	for after := int64(0); ; {
		list, err := ix.db.PublicComments(ctx, after, batchSize)
		if err != nil {
			return abandon(fmt.Errorf("rebuild search index: %w", err))
		}
		for _, m := range list {
			title, err := titles.of(ctx, m.Consultation)
			if err != nil {
				return abandon(fmt.Errorf("rebuild search index: comment %d: %w", m.ID, err))
			}
			if err := indexDoc(batch, ix.mapping, commentDoc(m, title)); err != nil {
				return abandon(fmt.Errorf("rebuild search index: %w", err))
			}
			done++
			after = m.ID
		}
		if batch.Size() >= batchSize {
			if err := flush(); err != nil {
				return abandon(err)
			}
		}
		if len(list) < batchSize {
			break
		}
	}
	batch.SetInternal(keySchema, []byte(schemaVersion))
	batch.SetInternal(keySeq, []byte(strconv.FormatInt(seq, 10)))
	if err := flush(); err != nil {
		return abandon(err)
	}
	if err := compact(ctx, bi); err != nil {
		return abandon(fmt.Errorf("rebuild search index: %w", err))
	}
	if err := bi.Close(); err != nil {
		return abandon(fmt.Errorf("rebuild search index: close %s: %w", tmp, err))
	}
	if err := ix.swap(tmp); err != nil {
		return err
	}
	ix.seq = seq
	ix.needRebuild = false
	ix.log.Info("search index rebuilt", "dir", ix.dir, "records", done, "seq", seq)
	return nil
}

// compact merges a freshly built index into one segment. Every query
// visits every segment, and the facet counts decode each segment's doc
// values, so one segment answers markedly faster than the dozens a bulk
// load leaves; later feed writes add small segments that scorch's own
// merger folds in.
func compact(ctx context.Context, bi bleve.Index) error {
	adv, err := bi.Advanced()
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	opts := mergeplan.SingleSegmentMergePlanOptions
	if err := s.ForceMerge(ctx, &opts); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	return nil
}

// swap replaces the index folder with the freshly built one in tmp and
// opens it. Searches wait for the few milliseconds this takes.
func (ix *Index) swap(tmp string) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		_ = os.RemoveAll(tmp)
		return ErrClosed
	}
	if ix.bi != nil {
		if err := ix.bi.Close(); err != nil {
			ix.log.Warn("close the replaced search index", "err", err)
		}
		ix.bi = nil
		ix.ready.Store(false)
	}
	if err := os.RemoveAll(ix.dir); err != nil {
		ix.needRebuild = true
		return fmt.Errorf("replace search index: remove %s: %w", ix.dir, err)
	}
	if err := os.Rename(tmp, ix.dir); err != nil {
		ix.needRebuild = true
		return fmt.Errorf("replace search index: %w", err)
	}
	bi, err := bleve.OpenUsing(ix.dir, config())
	if err != nil {
		ix.needRebuild = true
		return fmt.Errorf("open rebuilt search index: %w", err)
	}
	ix.bi = bi
	ix.facets = newFacetCache()
	if err := ix.warmFacets(bi); err != nil {
		ix.log.Warn("read the facets of the rebuilt search index", "err", err)
	}
	ix.ready.Store(true)
	return nil
}

// warmFacets reads the facet ordinals of segments that bi's current
// snapshot has and the cache has not seen yet (after a batch, a merge or a
// rebuild), so that searches do not wait for it. Callers hold ix.mu.
func (ix *Index) warmFacets(bi bleve.Index) error {
	adv, err := bi.Advanced()
	if err != nil {
		return fmt.Errorf("warm facets: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return fmt.Errorf("warm facets: %w", err)
	}
	defer r.Close()
	return ix.facets.warm(r)
}

func (ix *Index) isClosed() bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.closed
}

// current returns the open bleve index, or an error saying why there is
// none. Callers hold ix.mu for reading.
func (ix *Index) current() (bleve.Index, error) {
	switch {
	case ix.closed:
		return nil, ErrClosed
	case ix.bi == nil:
		return nil, ErrNotReady
	}
	return ix.bi, nil
}
