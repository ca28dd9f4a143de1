package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/dc-isss/accord/store"
)

// pollEvery is how often Follow looks at the changes feed. The feed is the
// only channel from other processes (an `accord import` while the server
// runs), so a write is searchable within this plus the time to apply it,
// well inside the one second DESIGN.md promises; the look is one indexed
// MAX() query.
const pollEvery = 200 * time.Millisecond

// Follow keeps the index current until ctx ends, then returns nil: it
// rebuilds the index first if Open found it unusable, then applies every
// change the feed records, polling for new ones. Errors are logged and
// retried with a growing pause, because a search index a little behind is
// better than a server that stops; only a closed index ends Follow early
// (ErrClosed).
func (ix *Index) Follow(ctx context.Context) error {
	pause := pollEvery
	for {
		err := ix.CatchUp(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, ErrClosed):
			return err
		case err != nil:
			ix.log.Error("search index catch-up failed; retrying", "err", err, "retry_in", pause)
			pause = min(pause*2, 30*time.Second)
		default:
			pause = pollEvery
			ix.warm()
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// warm reads the facet ordinals of segments that scorch's background
// merges made since the last look; see warmFacets.
func (ix *Index) warm() {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil || ix.closed {
		return
	}
	if err := ix.warmFacets(ix.bi); err != nil {
		ix.log.Warn("read the facets of merged search index segments", "err", err)
	}
}

// CatchUp applies every change recorded in the feed since the index last
// did, and returns when the index reflects the database as of the call.
// It rebuilds instead when the index needs it (see Open), when it is far
// behind, or when the database's feed is behind the index (a restored
// backup).
func (ix *Index) CatchUp(ctx context.Context) error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	if ix.needRebuild {
		return ix.rebuild(ctx, nil)
	}
	last, err := ix.db.LastChange(ctx)
	if err != nil {
		return fmt.Errorf("catch up search index: %w", err)
	}
	switch {
	case last == ix.seq:
		return nil
	case last < ix.seq:
		ix.log.Warn("the database's changes feed is behind the search index (restored backup?); rebuilding", "index_seq", ix.seq, "db_seq", last)
		return ix.rebuild(ctx, nil)
	case last-ix.seq > rebuildBehind:
		ix.log.Info("search index far behind the database; rebuilding", "behind", last-ix.seq)
		return ix.rebuild(ctx, nil)
	}
	for {
		changes, err := ix.db.Changes(ctx, ix.seq, changesPage)
		if err != nil {
			return fmt.Errorf("catch up search index: %w", err)
		}
		if len(changes) == 0 {
			return nil
		}
		rebuild, err := ix.apply(ctx, changes)
		if err != nil {
			return err
		}
		if rebuild {
			return ix.rebuild(ctx, nil)
		}
	}
}

// apply writes one page of changes to the index in a single batch, which
// also records the page's last sequence number, so a crash midway leaves
// the index at a consistent point of the feed. It reports whether the
// changes call for a full rebuild instead.
func (ix *Index) apply(ctx context.Context, changes []store.Change) (rebuild bool, err error) {
	// Only the last change of each object matters: it is reloaded whole.
	latest := map[string]store.Change{}
	var order []string
	for _, c := range changes {
		switch c.Kind {
		case "policy", "document", "comment", "consultation":
		case "framework":
			// Item codes are facet values of every policy mapped to the
			// framework; renames are rare admin work, and a rebuild is
			// the simple correct answer.
			return true, nil
		default:
			// Kinds the index does not hold (users...).
			continue
		}
		k := c.Kind + ":" + c.Key
		if _, ok := latest[k]; !ok {
			order = append(order, k)
		}
		latest[k] = c
	}
	js, err := ix.db.Jurisdictions(ctx)
	if err != nil {
		return false, fmt.Errorf("apply changes: %w", err)
	}
	pl := newPlaces(js)

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	bi, err := ix.current()
	if err != nil {
		return false, err
	}
	// The comments changed in this page are read in one go: under a flow
	// of comments, one query per comment was most of the follower's cost.
	comments, err := ix.changedComments(ctx, order, latest)
	if err != nil {
		return false, err
	}
	batch := bi.NewBatch()
	titles := consultationTitles{db: ix.db}
	for _, k := range order {
		c := latest[k]
		var err error
		switch c.Kind {
		case "document":
			err = ix.applyDocument(ctx, bi, batch, c.Key)
		case "comment":
			err = ix.applyComment(batch, c.Key, comments)
		case "consultation":
			err = ix.applyConsultation(ctx, batch, c.Key, &titles)
		default:
			err = ix.applyPolicy(ctx, bi, batch, c.Key, pl)
		}
		if err != nil {
			return false, err
		}
	}
	seq := changes[len(changes)-1].Seq
	batch.SetInternal(keySeq, []byte(strconv.FormatInt(seq, 10)))
	if err := bi.Batch(batch); err != nil {
		return false, fmt.Errorf("apply changes up to %d: %w", seq, err)
	}
	ix.seq = seq
	if err := ix.warmFacets(bi); err != nil {
		ix.log.Warn("read the facets of new search index segments", "err", err)
	}
	return false, nil
}

// applyPolicy adds to batch what makes the index hold the policy's current
// state: its docs (re)indexed, and docs of provisions it no longer has, or
// of the policy itself if deleted, removed.
func (ix *Index) applyPolicy(ctx context.Context, bi bleve.Index, batch *bleve.Batch, slug string, pl places) error {
	var docs []doc
	p, err := ix.db.Policy(ctx, slug)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return fmt.Errorf("apply change of policy %s: %w", slug, err)
	default:
		docs = policyDocs(p, pl)
	}
	return ix.replace(bi, batch, slug, []string{KindPolicy, KindProvision}, docs)
}

// applyDocument adds to batch what makes the index hold the blocks of the
// document's version that readers search (see documentBlocks), removing
// the blocks of the version indexed before that are gone from this one.
func (ix *Index) applyDocument(ctx context.Context, bi bleve.Index, batch *bleve.Batch, slug string) error {
	docs, err := ix.documentBlocks(ctx, slug)
	if err != nil {
		return fmt.Errorf("apply change of document %s: %w", slug, err)
	}
	return ix.replace(bi, batch, slug, []string{KindDocument}, docs)
}

// documentBlocks returns the records of one document: the blocks of its
// latest published version, public, when the public may read it;
// otherwise the blocks of its newest version, private, so that members
// find their drafts (and documents under consultation, in review or
// archived) and nobody else does. Only one version is indexed, so a block
// is never found twice. A deleted document, or one without a version, has
// none.
func (ix *Index) documentBlocks(ctx context.Context, slug string) ([]doc, error) {
	d, v, err := ix.db.PublicVersion(ctx, slug)
	switch {
	case err == nil:
		return documentDocs(d, v, true), nil
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	d, err = ix.db.Document(ctx, slug)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	case d.Latest == 0:
		return nil, nil
	}
	v, err = ix.db.Version(ctx, slug, d.Latest)
	if err != nil {
		return nil, err
	}
	return documentDocs(d, v, false), nil
}

// changedComments reads the comments that changes of kind "comment" in
// order name, in one query per 500 (store.CommentsByID), keyed by id. Bad
// keys are left out: applyComment skips them.
func (ix *Index) changedComments(ctx context.Context, order []string, latest map[string]store.Change) (map[int64]store.Comment, error) {
	var ids []int64
	for _, k := range order {
		c := latest[k]
		if c.Kind != "comment" {
			continue
		}
		if id, err := strconv.ParseInt(c.Key, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	comments, err := ix.db.CommentsByID(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("apply changes of %d comments: %w", len(ids), err)
	}
	return comments, nil
}

// applyComment adds to batch what makes the index hold the comment as it
// is now (comments holds it, read by changedComments): its record when it
// is approved; otherwise (pending, hidden, withdrawn, or gone) no record
// at all, deleting any it had.
func (ix *Index) applyComment(batch *bleve.Batch, key string, comments map[int64]store.Comment) error {
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil {
		// Not a key the store writes; nothing of it can be indexed.
		ix.log.Warn("skip a comment change with a bad key", "key", key)
		return nil
	}
	m, ok := comments[id]
	if !ok || m.State != store.CommentApproved {
		batch.Delete(docID(KindComment, key))
		return nil
	}
	// The comment was read with its consultation's title: no need for
	// Consultation, whose counts cost more the more comments there are.
	return indexDoc(batch, ix.mapping, commentDoc(m, m.ConsultationTitle))
}

// applyConsultation reindexes the approved comments of a consultation,
// whose records carry its title. Its consulted version's visibility is the
// document change that the store appends beside this one.
func (ix *Index) applyConsultation(ctx context.Context, batch *bleve.Batch, slug string, titles *consultationTitles) error {
	title, err := titles.of(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		// Deleted: only one without comments can be.
		return nil
	}
	if err != nil {
		return fmt.Errorf("apply change of consultation %s: %w", slug, err)
	}
	for page := 1; ; page++ {
		list, err := ix.db.Comments(ctx, store.CommentFilter{Consultation: slug, Page: page, PerPage: 500})
		if err != nil {
			return fmt.Errorf("apply change of consultation %s: %w", slug, err)
		}
		for _, m := range list.Items {
			if err := indexDoc(batch, ix.mapping, commentDoc(m, title)); err != nil {
				return err
			}
		}
		if page*list.PerPage >= list.Total || len(list.Items) == 0 {
			return nil
		}
	}
}

// consultationTitles reads consultations' titles once per batch of
// changes or rebuild.
type consultationTitles struct {
	db     *store.DB
	titles map[string]string
}

func (c *consultationTitles) of(ctx context.Context, slug string) (string, error) {
	if t, ok := c.titles[slug]; ok {
		return t, nil
	}
	k, err := c.db.Consultation(ctx, slug)
	if err != nil {
		return "", err
	}
	if c.titles == nil {
		c.titles = map[string]string{}
	}
	c.titles[slug] = k.Title
	return k.Title, nil
}

// replace adds docs to batch and deletes the docs of the given kinds that
// slug owned in the index and no longer has. Kinds matter because a policy
// and a document may share a slug: each has its own namespace.
func (ix *Index) replace(bi bleve.Index, batch *bleve.Batch, slug string, kinds []string, docs []doc) error {
	old, err := ix.idsOf(bi, slug)
	if err != nil {
		return err
	}
	keep := make(map[string]bool, len(docs))
	for _, d := range docs {
		keep[d.id] = true
		if err := indexDoc(batch, ix.mapping, d); err != nil {
			return err
		}
	}
	for _, id := range old {
		kind, _, _ := splitID(id)
		if !keep[id] && slices.Contains(kinds, kind) {
			batch.Delete(id)
		}
	}
	return nil
}

// idsOf lists the ids of every doc owned by a slug, whatever their kind.
func (ix *Index) idsOf(bi bleve.Index, slug string) ([]string, error) {
	q := query.NewTermQuery(slug)
	q.SetField("slug")
	var ids []string
	const page = 1000
	for from := 0; ; from += page {
		req := bleve.NewSearchRequestOptions(q, page, from, false)
		req.SortBy([]string{"_id"})
		res, err := bi.Search(req)
		if err != nil {
			return nil, fmt.Errorf("find docs of %s: %w", slug, err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < page {
			return ids, nil
		}
	}
}
