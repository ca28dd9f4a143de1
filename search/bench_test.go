package search

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

// BenchmarkSearch measures the search package on a synthetic corpus (see
// corpus_test.go) of 10,000 records, and of 100,000 when
// ACCORD_BENCH_LARGE=1: a full Rebuild, then the latency of four query
// shapes through Search, each beside the same queries on SQLite FTS5 over
// the same records in the same run. Latencies are reported as p50-ms and
// p99-ms over every iteration; run with a fixed count, for example
//
//	go test ./search/ -run '^$' -bench BenchmarkSearch -benchtime 400x
//
// Search always computes every facet's counts and the page's highlights,
// so each bleve row includes them; the FTS5 rows rank with bm25, count the
// total and build highlight() and snippet() for the page, and the faceted
// row adds the facet counts and the filter.
func BenchmarkSearch(b *testing.B) {
	sizes := []int{10_000}
	if os.Getenv("ACCORD_BENCH_LARGE") == "1" {
		sizes = append(sizes, 100_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("records=%dk", n/1000), func(b *testing.B) { benchCorpus(b, n) })
	}
}

// benchQuery is one query shape: the Search form and the FTS5 form of
// each of its instances.
type benchQuery struct {
	name    string
	queries []Query
	noFTS   bool // FTS5 answers only MATCH queries
}

func benchCorpus(b *testing.B, records int) {
	ctx := context.Background()
	dir := b.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "accord.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	if err := seedCorpus(ctx, db, records); err != nil {
		b.Fatal(err)
	}
	stats, err := db.Stats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	total := stats.Policies + stats.Provisions
	b.Logf("corpus: %d policies, %d provisions, generated in %v", stats.Policies, stats.Provisions, time.Since(start).Round(time.Millisecond))

	ix, err := Open(filepath.Join(dir, "index"), db, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { ix.Close() }()

	b.Run("rebuild", func(b *testing.B) {
		// One rebuild per invocation whatever b.N: a 100k rebuild takes
		// tens of seconds, and the figure wanted is its duration.
		start := time.Now()
		if err := ix.Rebuild(ctx, nil); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		b.ReportMetric(d.Seconds(), "s/rebuild")
		b.ReportMetric(float64(total)/d.Seconds(), "records/s")
	})

	// When -bench filtered out the rebuild above, build the index now.
	if err := ix.CatchUp(ctx); err != nil {
		b.Fatal(err)
	}

	fts, ftsBuild, err := buildFTS(ctx, db, filepath.Join(dir, "fts.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer fts.Close()
	b.Logf("fts5 baseline built in %v", ftsBuild.Round(time.Millisecond))

	// Time a quiescent index: the rebuild left it merged into one
	// segment and nothing writes to it from here on. Before each query
	// shape, one untimed round of its instances pages the index in (as a
	// running server would have), and a GC clears what the corpus
	// generation and the previous shape left, so that each shape pays for
	// its own garbage only.
	settle := func(run func(q Query) error, qs []Query) {
		for _, q := range qs {
			if err := run(q); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
	}
	for _, bq := range benchQueries(db, ctx) {
		b.Run("bleve/"+bq.name, func(b *testing.B) {
			settle(func(q Query) error { _, err := ix.Search(ctx, q); return err }, bq.queries)
			lat := make([]time.Duration, 0, b.N)
			hits := 0
			for i := 0; i < b.N; i++ {
				q := bq.queries[i%len(bq.queries)]
				t0 := time.Now()
				res, err := ix.Search(ctx, q)
				lat = append(lat, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				hits += res.Total
			}
			reportLatency(b, lat, hits)
		})
		if bq.noFTS {
			continue
		}
		b.Run("fts5/"+bq.name, func(b *testing.B) {
			settle(func(q Query) error { _, err := fts.search(ctx, q); return err }, bq.queries)
			lat := make([]time.Duration, 0, b.N)
			hits := 0
			for i := 0; i < b.N; i++ {
				q := bq.queries[i%len(bq.queries)]
				t0 := time.Now()
				n, err := fts.search(ctx, q)
				lat = append(lat, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				hits += n
			}
			reportLatency(b, lat, hits)
		})
	}

	b.Run("memory", func(b *testing.B) {
		// Resident memory of a process serving searches from this index:
		// reopen it after returning what the corpus generation used, run
		// the queries, and read the kernel's figures.
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		debug.FreeOSMemory()
		ix, err = Open(filepath.Join(dir, "index"), db, nil)
		if err != nil {
			b.Fatal(err)
		}
		// One round of queries whatever b.N: the figure is a level, not
		// a rate.
		for range 1 {
			for _, bq := range benchQueries(db, ctx) {
				for _, q := range bq.queries {
					if _, err := ix.Search(ctx, q); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
		b.ReportMetric(procStatusMB(b, "VmRSS"), "rss-MB")
		b.ReportMetric(procStatusMB(b, "VmHWM"), "peak-rss-MB")
	})
}

func reportLatency(b *testing.B, lat []time.Duration, hits int) {
	slices.Sort(lat)
	pct := func(p int) float64 {
		return float64(lat[min(len(lat)*p/100, len(lat)-1)]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(50), "p50-ms")
	b.ReportMetric(pct(99), "p99-ms")
	b.ReportMetric(float64(hits)/float64(len(lat)), "hits/op")
}

// procStatusMB reads a memory line (VmRSS, VmHWM) of /proc/self/status.
func procStatusMB(b *testing.B, key string) float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// benchQueries draws the query instances, the same in every run: one IoT
// word; two; a two-word phrase taken from the generated text; one word
// narrowed by a region filter (so the faceted row also pays for the
// disjunctive count of the filtered facet); and browsing by a region with
// no words.
func benchQueries(db *store.DB, ctx context.Context) []benchQuery {
	r := rand.New(rand.NewPCG(7, 7))
	js, _ := db.Jurisdictions(ctx)
	c := newCorpus(42, js)
	var one, two, phrase, faceted []Query
	for i := 0; i < 50; i++ {
		w := iotWords[r.IntN(120)]
		one = append(one, Query{Q: w})
		two = append(two, Query{Q: w + " " + iotWords[r.IntN(120)]})
		faceted = append(faceted, Query{Q: w, Filters: map[string][]string{"region": {"Europe"}}})
	}
	for len(phrase) < 50 {
		ws := strings.Fields(strings.TrimSuffix(c.policy(r.IntN(1000)).Summary, "."))
		i := r.IntN(len(ws) - 1)
		a, b := strings.ToLower(ws[i]), ws[i+1]
		if slices.Contains(plainWords, a) || slices.Contains(plainWords, b) {
			continue // phrases of stop words say nothing
		}
		phrase = append(phrase, Query{Q: `"` + a + " " + b + `"`})
	}
	// Browsing: no words, newest first, narrowed by one facet, as the
	// search page's facet links do from an empty query.
	var browse []Query
	for _, region := range []string{"Europe", "Asia", "Americas", "Africa", "Oceania"} {
		browse = append(browse, Query{Filters: map[string][]string{"region": {region}}})
	}
	return []benchQuery{{"one-word", one, false}, {"two-words", two, false}, {"phrase", phrase, false},
		{"one-word-faceted-filtered", faceted, false}, {"browse-filtered", browse, true}}
}

// ftsIndex is the FTS5 baseline: the same records, the same fields and
// weights, with facets in a side table.
type ftsIndex struct {
	db *sql.DB
}

func buildFTS(ctx context.Context, src *store.DB, path string) (*ftsIndex, time.Duration, error) {
	start := time.Now()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, 0, err
	}
	db.SetMaxOpenConns(1)
	for _, s := range []string{
		`CREATE VIRTUAL TABLE docs USING fts5(title, short_title, text, context, tokenize = 'porter unicode61')`,
		`CREATE TABLE facets (doc INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL)`,
	} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return nil, 0, fmt.Errorf("%s: %w", s, err)
		}
	}
	js, err := src.Jurisdictions(ctx)
	if err != nil {
		return nil, 0, err
	}
	pl := newPlaces(js)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, "INSERT INTO docs (rowid, title, short_title, text, context) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return nil, 0, err
	}
	fac, err := tx.PrepareContext(ctx, "INSERT INTO facets (doc, facet, value) VALUES (?, ?, ?)")
	if err != nil {
		return nil, 0, err
	}
	id := 0
	_, err = src.EachPolicy(ctx, func(p store.Policy) error {
		for _, d := range policyDocs(p, pl) {
			id++
			if _, err := ins.ExecContext(ctx, id, d.Title, d.ShortTitle, d.Text, d.Context); err != nil {
				return err
			}
			for _, f := range d.Facets {
				key, v, _ := strings.Cut(f, ":")
				if _, err := fac.ExecContext(ctx, id, facetNames[key], v); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if _, err := tx.ExecContext(ctx, "CREATE INDEX facets_by_value ON facets (facet, value, doc)"); err != nil {
		return nil, 0, err
	}
	if _, err := tx.ExecContext(ctx, "CREATE INDEX facets_by_doc ON facets (doc)"); err != nil {
		return nil, 0, err
	}
	if err := tx.Commit(); err != nil {
		return nil, 0, err
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO docs (docs) VALUES ('optimize')"); err != nil {
		return nil, 0, err
	}
	return &ftsIndex{db: db}, time.Since(start), nil
}

func (f *ftsIndex) Close() error { return f.db.Close() }

// search runs the FTS5 form of q and returns the total: count, page of 20
// by bm25 with the same field weights as the index, highlight() of the
// title and snippet() of the text; with filters, also the facet counts.
func (f *ftsIndex) search(ctx context.Context, q Query) (int, error) {
	match := ftsMatch(q.Q)
	where := "docs MATCH ?"
	args := []any{match}
	for name, vals := range q.Filters {
		// "+rowid" keeps SQLite from driving the query by the filter
		// and re-running the MATCH for every filtered row.
		where += " AND +rowid IN (SELECT doc FROM facets WHERE facet = ? AND value IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ") + "))"
		args = append(args, name)
		for _, v := range vals {
			args = append(args, v)
		}
	}
	var total int
	if err := f.db.QueryRowContext(ctx, "SELECT count(*) FROM docs WHERE "+where, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("fts count %q: %w", match, err)
	}
	rows, err := f.db.QueryContext(ctx, `SELECT rowid, highlight(docs, 0, '<mark>', '</mark>'),
		snippet(docs, 2, '<mark>', '</mark>', '…', 32) FROM docs WHERE `+where+`
		ORDER BY bm25(docs, 3.0, 2.5, 1.0, 0.6) LIMIT 20`, args...)
	if err != nil {
		return 0, fmt.Errorf("fts page %q: %w", match, err)
	}
	for rows.Next() {
		var id int
		var title, snippet string
		if err := rows.Scan(&id, &title, &snippet); err != nil {
			rows.Close()
			return 0, err
		}
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	if len(q.Filters) == 0 {
		return total, nil
	}
	rows, err = f.db.QueryContext(ctx, `SELECT f.facet, f.value, count(*)
		FROM (SELECT rowid AS id FROM docs WHERE `+where+`) h JOIN facets f ON f.doc = h.id
		GROUP BY f.facet, f.value`, args...)
	if err != nil {
		return 0, fmt.Errorf("fts facets %q: %w", match, err)
	}
	for rows.Next() {
		var facet, value string
		var n int
		if err := rows.Scan(&facet, &value, &n); err != nil {
			rows.Close()
			return 0, err
		}
	}
	return total, rows.Close()
}

// ftsMatch turns a query into an FTS5 expression: each word quoted (all
// must match), a quoted phrase kept as a phrase.
func ftsMatch(q string) string {
	if strings.HasPrefix(q, `"`) {
		return q
	}
	var parts []string
	for _, w := range strings.Fields(q) {
		parts = append(parts, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
	}
	return strings.Join(parts, " ")
}
