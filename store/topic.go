package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// A topic is addressed by an instrument when the instrument's own topics
// include it or when any of its provisions' topics do. The reads below
// answer "who addresses what, where" for the topic pages and the
// comparison of jurisdictions, each in one read transaction and a fixed
// number of queries whatever the size of the knowledge base.

// TopicSummary is one topic of the vocabulary with how much of the
// knowledge base addresses it.
type TopicSummary struct {
	Topic
	// Instruments counts the policies that address the topic.
	Instruments int
	// Provisions counts the provisions whose topics include it.
	Provisions int
	// Jurisdictions counts the jurisdictions those policies name.
	Jurisdictions int
}

// TopicProvision is a provision of an instrument, listed because its
// topics include the topic at hand.
type TopicProvision struct {
	Ref   string // the key, used in addresses and citations
	Label string // the reference as the instrument writes it, shown to readers
	Title string
}

// TopicInstrument is an instrument that addresses a topic, with the
// provisions that do.
type TopicInstrument struct {
	Slug          string
	Title         string
	ShortTitle    string
	Type          string
	Status        string
	Binding       string // mandatory, voluntary or "" (unknown)
	Jurisdictions []string
	// Direct is true when the instrument's own topics include the topic;
	// otherwise only its provisions address it.
	Direct     bool
	Provisions []TopicProvision
	// Via is, in a comparison, the bloc through which the instrument
	// applies in a member state's column ("EU"); "" for its own.
	Via string
}

// DisplayTitle is the short title when there is one.
func (t TopicInstrument) DisplayTitle() string {
	if t.ShortTitle != "" {
		return t.ShortTitle
	}
	return t.Title
}

// BindingRank orders mandatory before voluntary before unknown, the order
// in which topic and compare pages show instruments.
func BindingRank(binding string) int {
	switch binding {
	case "mandatory":
		return 0
	case "voluntary":
		return 1
	default:
		return 2
	}
}

// sortInstruments orders instruments binding ones first, then by title.
func sortInstruments(xs []TopicInstrument) {
	slices.SortStableFunc(xs, func(a, b TopicInstrument) int {
		return cmp.Or(cmp.Compare(BindingRank(a.Binding), BindingRank(b.Binding)),
			cmp.Compare(strings.ToLower(a.DisplayTitle()), strings.ToLower(b.DisplayTitle())),
			cmp.Compare(a.Slug, b.Slug))
	})
}

// provisionLabel is the SQL expression of what readers see of a
// provision's reference: its label as written in the instrument, or the
// key where it has none (Provision.DisplayLabel in SQL).
const provisionLabel = "CASE WHEN pr.label <> '' THEN pr.label ELSE pr.ref END"

// addressedTopics is a table of (topic, policy_id) rows: every policy
// that addresses every topic, through its own topics or its provisions'.
const addressedTopics = `SELECT topic, policy_id FROM policy_topics
	UNION SELECT pt.topic, pr.policy_id FROM provision_topics pt JOIN provisions pr ON pr.id = pt.provision_id`

// TopicSummaries lists every topic of the vocabulary, in order, with its
// counts of instruments, provisions and jurisdictions.
func (db *DB) TopicSummaries(ctx context.Context) ([]TopicSummary, error) {
	rows, err := db.read.QueryContext(ctx, `WITH a(topic, policy_id) AS (`+addressedTopics+`)
		SELECT t.slug, t.title,
			(SELECT COUNT(*) FROM a WHERE a.topic = t.slug),
			(SELECT COUNT(*) FROM provision_topics pt WHERE pt.topic = t.slug),
			(SELECT COUNT(DISTINCT pj.jurisdiction) FROM a JOIN policy_jurisdictions pj ON pj.policy_id = a.policy_id
				WHERE a.topic = t.slug)
		FROM topics t ORDER BY t.pos, t.slug`)
	if err != nil {
		return nil, fmt.Errorf("summarise topics: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (TopicSummary, error) {
		var s TopicSummary
		return s, r.Scan(&s.Slug, &s.Title, &s.Instruments, &s.Provisions, &s.Jurisdictions)
	})
}

// TopicPage is one topic with every instrument that addresses it.
type TopicPage struct {
	TopicSummary
	// Instruments are ordered binding ones first, then by title.
	Instruments []TopicInstrument
}

// TopicInstruments returns one topic with the instruments that address
// it and their provisions on it; ErrNotFound when the vocabulary has no
// such topic.
func (db *DB) TopicInstruments(ctx context.Context, slug string) (TopicPage, error) {
	var tp TopicPage
	err := db.view(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT slug, title FROM topics WHERE slug = ?", slug).Scan(&tp.Slug, &tp.Title)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("topic %s: %w", slug, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("topic %s: %w", slug, err)
		}
		byTopic, err := addressing(ctx, tx, []string{slug}, nil)
		if err != nil {
			return fmt.Errorf("topic %s: %w", slug, err)
		}
		tp.Instruments = byTopic[slug]
		jurisdictions := map[string]bool{}
		for _, in := range tp.Instruments {
			tp.Provisions += len(in.Provisions)
			for _, j := range in.Jurisdictions {
				jurisdictions[j] = true
			}
		}
		tp.TopicSummary.Instruments = len(tp.Instruments)
		tp.TopicSummary.Jurisdictions = len(jurisdictions)
		return nil
	})
	return tp, err
}

// addressing returns, for each of the topics (every topic when topics is
// nil), the instruments that address it, with their provisions on it. With
// jurisdictions not nil, only the instruments naming one of them count.
// Four queries, whatever the number of instruments.
func addressing(ctx context.Context, q querier, topics, jurisdictions []string) (map[string][]TopicInstrument, error) {
	conds, args := []string{"1"}, []any{}
	if topics != nil {
		conds = append(conds, "a.topic IN ("+placeholders(len(topics))+")")
		args = append(args, anys(topics)...)
	}
	if jurisdictions != nil {
		conds = append(conds, "a.policy_id IN (SELECT policy_id FROM policy_jurisdictions WHERE jurisdiction IN ("+
			placeholders(len(jurisdictions))+"))")
		args = append(args, anys(jurisdictions)...)
	}
	where := strings.Join(conds, " AND ")

	// The pairs, and which of them the instrument's own topics make.
	rows, err := q.QueryContext(ctx, `SELECT a.topic, a.policy_id, EXISTS (SELECT 1 FROM policy_topics d
		WHERE d.policy_id = a.policy_id AND d.topic = a.topic) FROM (`+addressedTopics+`) a WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("instruments by topic: %w", err)
	}
	type pair struct {
		topic  string
		policy int64
	}
	var pairs []pair
	direct := map[pair]bool{}
	ids := map[int64]bool{}
	for rows.Next() {
		var p pair
		var d bool
		if err := rows.Scan(&p.topic, &p.policy, &d); err != nil {
			rows.Close()
			return nil, fmt.Errorf("instruments by topic: %w", err)
		}
		pairs = append(pairs, p)
		direct[p] = d
		ids[p.policy] = true
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("instruments by topic: %w", err)
	}
	out := map[string][]TopicInstrument{}
	if len(pairs) == 0 {
		return out, nil
	}
	idList := make([]any, 0, len(ids))
	for id := range ids {
		idList = append(idList, id)
	}
	in := "(" + placeholders(len(idList)) + ")"

	base := map[int64]*TopicInstrument{}
	rows, err = q.QueryContext(ctx, "SELECT id, slug, title, short_title, type, status, binding FROM policies WHERE id IN "+in, idList...)
	if err != nil {
		return nil, fmt.Errorf("instruments by topic: %w", err)
	}
	for rows.Next() {
		var id int64
		var t TopicInstrument
		if err := rows.Scan(&id, &t.Slug, &t.Title, &t.ShortTitle, &t.Type, &t.Status, &t.Binding); err != nil {
			rows.Close()
			return nil, fmt.Errorf("instruments by topic: %w", err)
		}
		t.Jurisdictions = []string{}
		base[id] = &t
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("instruments by topic: %w", err)
	}

	rows, err = q.QueryContext(ctx, "SELECT policy_id, jurisdiction FROM policy_jurisdictions WHERE policy_id IN "+in+
		" ORDER BY policy_id, pos", idList...)
	if err != nil {
		return nil, fmt.Errorf("jurisdictions of instruments by topic: %w", err)
	}
	for rows.Next() {
		var id int64
		var j string
		if err := rows.Scan(&id, &j); err != nil {
			rows.Close()
			return nil, fmt.Errorf("jurisdictions of instruments by topic: %w", err)
		}
		if t := base[id]; t != nil {
			t.Jurisdictions = append(t.Jurisdictions, j)
		}
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("jurisdictions of instruments by topic: %w", err)
	}

	pconds, pargs := []string{"pr.policy_id IN " + in}, slices.Clone(idList)
	if topics != nil {
		pconds = append(pconds, "pt.topic IN ("+placeholders(len(topics))+")")
		pargs = append(pargs, anys(topics)...)
	}
	rows, err = q.QueryContext(ctx, `SELECT pt.topic, pr.policy_id, pr.ref, `+provisionLabel+`, pr.title
		FROM provision_topics pt JOIN provisions pr ON pr.id = pt.provision_id
		WHERE `+strings.Join(pconds, " AND ")+` ORDER BY pr.policy_id, pr.pos, pr.id`, pargs...)
	if err != nil {
		return nil, fmt.Errorf("provisions by topic: %w", err)
	}
	provs := map[pair][]TopicProvision{}
	for rows.Next() {
		var p pair
		var v TopicProvision
		if err := rows.Scan(&p.topic, &p.policy, &v.Ref, &v.Label, &v.Title); err != nil {
			rows.Close()
			return nil, fmt.Errorf("provisions by topic: %w", err)
		}
		provs[p] = append(provs[p], v)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("provisions by topic: %w", err)
	}

	for _, p := range pairs {
		b := base[p.policy]
		if b == nil {
			continue
		}
		t := *b
		t.Direct = direct[p]
		t.Provisions = provs[p]
		if t.Provisions == nil {
			t.Provisions = []TopicProvision{}
		}
		out[p.topic] = append(out[p.topic], t)
	}
	for topic := range out {
		sortInstruments(out[topic])
	}
	return out, nil
}

// Comparison is the topics of the vocabulary against a few jurisdictions:
// in each cell the instruments that address the topic there.
type Comparison struct {
	Jurisdictions []string // the columns, in the order asked
	// Blocs is true when a member state's column also lists the
	// instruments of the blocs it belongs to.
	Blocs  bool
	Topics []Topic
	// Cells holds, by topic slug then jurisdiction code, the instruments
	// that address the topic there, binding ones first.
	Cells map[string]map[string][]TopicInstrument
}

// Compare lays every topic against the jurisdictions given (codes the
// caller has checked). With blocs, a member state's cell also lists the
// instruments of its blocs, each marked Via the bloc.
func (db *DB) Compare(ctx context.Context, jurisdictions []string, blocs bool) (Comparison, error) {
	cmpn := Comparison{Jurisdictions: jurisdictions, Blocs: blocs, Cells: map[string]map[string][]TopicInstrument{}}
	err := db.view(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT slug, title FROM topics ORDER BY pos, slug")
		if err != nil {
			return fmt.Errorf("compare: topics: %w", err)
		}
		if cmpn.Topics, err = collect(rows, func(r *sql.Rows) (Topic, error) {
			var t Topic
			return t, r.Scan(&t.Slug, &t.Title)
		}); err != nil {
			return fmt.Errorf("compare: topics: %w", err)
		}
		// memberOf: for each column, the blocs whose instruments it shows.
		memberOf := map[string][]string{}
		codes := slices.Clone(jurisdictions)
		if blocs && len(jurisdictions) > 0 {
			rows, err := tx.QueryContext(ctx, "SELECT member, bloc FROM bloc_members WHERE member IN ("+
				placeholders(len(jurisdictions))+") ORDER BY bloc", anys(jurisdictions)...)
			if err != nil {
				return fmt.Errorf("compare: blocs: %w", err)
			}
			for rows.Next() {
				var m, b string
				if err := rows.Scan(&m, &b); err != nil {
					rows.Close()
					return fmt.Errorf("compare: blocs: %w", err)
				}
				memberOf[m] = append(memberOf[m], b)
				if !slices.Contains(codes, b) {
					codes = append(codes, b)
				}
			}
			if err := rows.Close(); err != nil {
				return fmt.Errorf("compare: blocs: %w", err)
			}
		}
		byTopic, err := addressing(ctx, tx, nil, codes)
		if err != nil {
			return fmt.Errorf("compare: %w", err)
		}
		for _, t := range cmpn.Topics {
			row := map[string][]TopicInstrument{}
			for _, j := range jurisdictions {
				var cell []TopicInstrument
				for _, in := range byTopic[t.Slug] {
					if slices.Contains(in.Jurisdictions, j) {
						cell = append(cell, in)
						continue
					}
					for _, b := range memberOf[j] {
						if slices.Contains(in.Jurisdictions, b) {
							in.Via = b
							cell = append(cell, in)
							break
						}
					}
				}
				// byTopic's lists are sorted, so each cell is too.
				row[j] = cell
			}
			cmpn.Cells[t.Slug] = row
		}
		return nil
	})
	return cmpn, err
}
