package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Publish publishes version of a document as its next edition: the version
// becomes public for good, the document's status becomes published, and the
// edition's record (the evidence of each recommendation, the comments that
// shaped it, the consultation record) is gathered and frozen in the same
// transaction, so it is exactly what the database held at that moment.
//
// A version that does not exist, or is older than the newest edition's, is
// a *ValidationError on "version"; a version published already is
// ErrAlreadyPublished; an open consultation on the document is
// ErrConsultationOpen. Any status may be published otherwise.
func (db *DB) Publish(ctx context.Context, slug string, version int) (Edition, error) {
	var number int
	err := db.update(ctx, func(t *Tx) error {
		var err error
		number, err = t.publish(ctx, slug, version, "")
		return err
	})
	if err != nil {
		return Edition{}, err
	}
	return db.Edition(ctx, slug, number)
}

// publish checks the rules and writes the edition; at, when not empty, is
// the moment to record instead of now (for versions published before
// editions existed).
func (t *Tx) publish(ctx context.Context, slug string, version int, at string) (int, error) {
	var docID int64
	var title, summary string
	var latest int
	err := t.tx.QueryRowContext(ctx, `SELECT d.id, d.title, d.summary, IFNULL(MAX(v.number), 0) FROM documents d
		LEFT JOIN document_versions v ON v.document_id = d.id WHERE d.slug = ? GROUP BY d.id`, slug).
		Scan(&docID, &title, &summary, &latest)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("document %s: %w", slug, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("publish %s: %w", slug, err)
	}
	var edNumber, edVersion int
	var done bool
	if err := t.tx.QueryRowContext(ctx, `SELECT IFNULL(MAX(number), 0),
		IFNULL((SELECT version FROM editions WHERE document_id = ? ORDER BY number DESC LIMIT 1), 0),
		EXISTS (SELECT 1 FROM editions WHERE document_id = ? AND version = ?)
		FROM editions WHERE document_id = ?`, docID, docID, version, docID).Scan(&edNumber, &edVersion, &done); err != nil {
		return 0, fmt.Errorf("publish %s: %w", slug, err)
	}
	if version < 1 || version > latest {
		return 0, &ValidationError{Fields: map[string]string{"version": publishableText(edVersion, latest)}}
	}
	now := t.stamp()
	backfill := at != ""
	if !backfill {
		var open bool
		if err := t.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM consultations WHERE document_id = ?
			AND opens_at <= ? AND closes_at > ?)`, docID, now, now).Scan(&open); err != nil {
			return 0, fmt.Errorf("publish %s: %w", slug, err)
		}
		if open {
			return 0, fmt.Errorf("publish %s: %w", slug, ErrConsultationOpen)
		}
		at = now
	}
	if done {
		return 0, fmt.Errorf("publish version %d of %s: %w", version, slug, ErrAlreadyPublished)
	}
	if version < edVersion {
		return 0, &ValidationError{Fields: map[string]string{"version": fmt.Sprintf(
			"Edition %d published version %d; a new edition must publish a later version", edNumber, edVersion)}}
	}
	rec, err := buildRecord(ctx, t.tx, slug, docID, version, t.now)
	if err != nil {
		return 0, err
	}
	js, err := json.Marshal(rec)
	if err != nil {
		return 0, fmt.Errorf("publish %s: record: %w", slug, err)
	}
	uid, name := t.actorName(ctx)
	number := edNumber + 1
	if _, err := t.exec(ctx, `INSERT INTO editions (document_id, number, version, title, summary, record, comments,
		published_by, publisher, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		docID, number, version, title, summary, string(js), rec.Comments(), uid, name, at); err != nil {
		return 0, fmt.Errorf("publish %s: %w", slug, err)
	}
	if _, err := t.exec(ctx, `UPDATE document_versions SET published_at = ? WHERE document_id = ? AND number = ? AND published_at = ''`,
		at, docID, version); err != nil {
		return 0, fmt.Errorf("publish %s: %w", slug, err)
	}
	if !backfill {
		if _, err := t.exec(ctx, "UPDATE documents SET status = ?, updated_at = ? WHERE id = ?", StatusPublished, now, docID); err != nil {
			return 0, fmt.Errorf("publish %s: %w", slug, err)
		}
	}
	if err := t.change(ctx, "document", slug, "upsert"); err != nil {
		return 0, err
	}
	return number, t.audit(ctx, "document.publish", "document:"+slug, fmt.Sprintf("edition %d: version %d", number, version))
}

// buildRecord gathers an edition's record from q, the publishing
// transaction.
func buildRecord(ctx context.Context, q querier, slug string, docID int64, version int, now time.Time) (Record, error) {
	v, err := versionIn(ctx, q, slug, version)
	if err != nil {
		return Record{}, err
	}
	rec := Record{Recommendations: []Recommendation{}, Consultations: []ConsultationRecord{}}
	byPid := map[string][]Citation{}
	for _, c := range v.Citations {
		byPid[c.Paragraph] = append(byPid[c.Paragraph], c)
	}
	policies := map[string]*CitedPolicy{}
	where := map[string]int{} // paragraph id -> index of its recommendation
	for i, span := range Recommendations(v.Paragraphs) {
		r := Recommendation{Number: i + 1, Paragraph: span.Heading.ID, Section: span.Heading.Section,
			Label: span.Heading.Label(), Title: span.Title(), Paragraphs: []string{},
			Policies: []CitedPolicy{}, Items: []CitedItem{}, Mapped: []MappedItem{}, Comments: []RecordComment{}}
		seenItem := map[string]bool{}
		for _, p := range span.Paragraphs {
			r.Paragraphs = append(r.Paragraphs, p.ID)
			where[p.ID] = i
			for _, c := range byPid[p.ID] {
				switch c.Kind {
				case "policy":
					cp, err := citedPolicy(ctx, q, policies, c.Target)
					if err != nil {
						return Record{}, err
					}
					j := slices.IndexFunc(r.Policies, func(x CitedPolicy) bool { return x.Slug == c.Target })
					if j < 0 {
						r.Policies = append(r.Policies, *cp)
						r.Policies[len(r.Policies)-1].Provisions = nil
						j = len(r.Policies) - 1
					}
					if c.Ref != "" && !slices.ContainsFunc(r.Policies[j].Provisions, func(x CitedProvision) bool { return x.Ref == c.Ref }) {
						var title string
						err := q.QueryRowContext(ctx, `SELECT pr.title FROM provisions pr JOIN policies p ON p.id = pr.policy_id
							WHERE p.slug = ? AND pr.ref = ?`, c.Target, c.Ref).Scan(&title)
						if err != nil && !errors.Is(err, sql.ErrNoRows) {
							return Record{}, fmt.Errorf("record of %s: provision %s %s: %w", slug, c.Target, c.Ref, err)
						}
						r.Policies[j].Provisions = append(r.Policies[j].Provisions, CitedProvision{Ref: c.Ref, Title: title})
					}
				case "item":
					key := c.Framework + "\x00" + c.Target
					if seenItem[key] {
						continue
					}
					seenItem[key] = true
					it := CitedItem{Framework: c.Framework, Code: c.Target}
					err := q.QueryRowContext(ctx, `SELECT i.kind, i.title FROM items i JOIN frameworks f ON f.id = i.framework_id
						WHERE f.slug = ? AND i.code = ?`, c.Framework, c.Target).Scan(&it.Kind, &it.Title)
					if err != nil && !errors.Is(err, sql.ErrNoRows) {
						return Record{}, fmt.Errorf("record of %s: item %s: %w", slug, c.Target, err)
					}
					r.Items = append(r.Items, it)
				}
			}
		}
		if r.Mapped, err = mappedChallenges(ctx, q, r); err != nil {
			return Record{}, fmt.Errorf("record of %s: %w", slug, err)
		}
		rec.Recommendations = append(rec.Recommendations, r)
	}
	if err := recordConsultations(ctx, q, &rec, slug, docID, version, now, where); err != nil {
		return Record{}, err
	}
	return rec, nil
}

// citedPolicy reads a cited policy once per record.
func citedPolicy(ctx context.Context, q querier, seen map[string]*CitedPolicy, slug string) (*CitedPolicy, error) {
	if p, ok := seen[slug]; ok {
		return p, nil
	}
	p := &CitedPolicy{Slug: slug, Jurisdictions: []JurisdictionAt{}}
	var id int64
	var adopted string
	err := q.QueryRowContext(ctx, "SELECT id, title, type, status, adopted, url FROM policies WHERE slug = ?", slug).
		Scan(&id, &p.Title, &p.Type, &p.Status, &adopted, &p.URL)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		p.Missing = true
	case err != nil:
		return nil, fmt.Errorf("record: policy %s: %w", slug, err)
	default:
		if len(adopted) >= 4 {
			p.Year, _ = strconv.Atoi(adopted[:4])
		}
		rows, err := q.QueryContext(ctx, `SELECT j.code, j.name FROM policy_jurisdictions pj JOIN jurisdictions j ON j.code = pj.jurisdiction
			WHERE pj.policy_id = ? ORDER BY pj.pos, j.code`, id)
		if err != nil {
			return nil, fmt.Errorf("record: jurisdictions of %s: %w", slug, err)
		}
		if p.Jurisdictions, err = collect(rows, func(r *sql.Rows) (JurisdictionAt, error) {
			var j JurisdictionAt
			return j, r.Scan(&j.Code, &j.Name)
		}); err != nil {
			return nil, fmt.Errorf("record: jurisdictions of %s: %w", slug, err)
		}
		if p.Jurisdictions == nil {
			p.Jurisdictions = []JurisdictionAt{}
		}
	}
	seen[slug] = p
	return p, nil
}

// mappedChallenges lists the challenges r's cited policies are mapped to
// (any relationship but not-related), leaving out those r cites itself.
func mappedChallenges(ctx context.Context, q querier, r Recommendation) ([]MappedItem, error) {
	out := []MappedItem{}
	if len(r.Policies) == 0 {
		return out, nil
	}
	args := make([]any, len(r.Policies))
	for i, p := range r.Policies {
		args[i] = p.Slug
	}
	rows, err := q.QueryContext(ctx, `SELECT f.slug, i.code, i.title, m.reviewed, p.slug FROM mappings m
		JOIN items i ON i.id = m.item_id JOIN frameworks f ON f.id = i.framework_id JOIN policies p ON p.id = m.policy_id
		WHERE i.kind = 'challenge' AND m.relationship <> 'not-related' AND p.slug IN (?`+strings.Repeat(", ?", len(args)-1)+`)
		ORDER BY f.slug, i.id, p.slug`, args...)
	if err != nil {
		return nil, fmt.Errorf("mapped challenges: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m MappedItem
		var reviewed bool
		var policy string
		if err := rows.Scan(&m.Framework, &m.Code, &m.Title, &reviewed, &policy); err != nil {
			return nil, fmt.Errorf("mapped challenges: %w", err)
		}
		if slices.ContainsFunc(r.Items, func(it CitedItem) bool { return it.Framework == m.Framework && it.Code == m.Code }) {
			continue
		}
		j := slices.IndexFunc(out, func(x MappedItem) bool { return x.Framework == m.Framework && x.Code == m.Code })
		if j < 0 {
			m.Policies = []string{}
			out = append(out, m)
			j = len(out) - 1
		}
		out[j].Reviewed = out[j].Reviewed || reviewed
		if !slices.Contains(out[j].Policies, policy) {
			out[j].Policies = append(out[j].Policies, policy)
		}
	}
	return out, rows.Err()
}

// recordConsultations adds every consultation of the document that opened
// on version or an earlier one, with its counts, and gives each
// recommendation the approved comments on its blocks, followed from the
// consulted version to the published one.
func recordConsultations(ctx context.Context, q querier, rec *Record, slug string, docID int64, version int, now time.Time, where map[string]int) error {
	rows, err := q.QueryContext(ctx, `SELECT id, slug, title, version, opens_at, closes_at, timezone FROM consultations
		WHERE document_id = ? AND opens_at <= ? AND version <= ? ORDER BY opens_at, id`, docID, stampOf(now), version)
	if err != nil {
		return fmt.Errorf("record of %s: consultations: %w", slug, err)
	}
	type held struct {
		id int64
		ConsultationRecord
	}
	list, err := collect(rows, func(r *sql.Rows) (held, error) {
		var h held
		var opens, closes string
		err := r.Scan(&h.id, &h.Slug, &h.Title, &h.Version, &opens, &closes, &h.Timezone)
		h.OpensAt, h.ClosesAt = parseTime(opens), parseTime(closes)
		return h, err
	})
	if err != nil {
		return fmt.Errorf("record of %s: consultations: %w", slug, err)
	}
	for _, h := range list {
		if h.Stats, err = commentStats(ctx, q, h.Slug); err != nil {
			return err
		}
		rec.Consultations = append(rec.Consultations, h.ConsultationRecord)
		if err := recordComments(ctx, q, rec, slug, h.id, h.ConsultationRecord, version, where); err != nil {
			return err
		}
	}
	return nil
}

func recordComments(ctx context.Context, q querier, rec *Record, slug string, consultationID int64, c ConsultationRecord, version int, where map[string]int) error {
	rows, err := q.QueryContext(ctx, `SELECT id, paragraph, label, type, author_group, author_country, body, disposition, rationale,
		CASE WHEN group_removed = 0 THEN IFNULL(group_id, 0) ELSE 0 END
		FROM comments WHERE consultation_id = ? AND state = 'approved' AND paragraph IS NOT NULL ORDER BY position, id`, consultationID)
	if err != nil {
		return fmt.Errorf("record of %s: comments of %s: %w", slug, c.Slug, err)
	}
	type row struct {
		RecordComment
		group int64
	}
	list, err := collect(rows, func(r *sql.Rows) (row, error) {
		var m row
		var body string
		err := r.Scan(&m.ID, &m.Paragraph, &m.Label, &m.Type, &m.Group, &m.Country, &body, &m.Disposition, &m.Rationale, &m.group)
		m.Consultation, m.Copies = c.Slug, 1
		m.Excerpt = shorten(strings.Join(strings.Fields(body), " "), 300)
		return m, err
	})
	if err != nil {
		return fmt.Errorf("record of %s: comments of %s: %w", slug, c.Slug, err)
	}
	var pids []string
	for _, m := range list {
		if !slices.Contains(pids, m.Paragraph) {
			pids = append(pids, m.Paragraph)
		}
	}
	now, err := followIn(ctx, q, slug, c.Version, version, pids)
	if err != nil {
		return err
	}
	for i := range rec.Recommendations {
		r := &rec.Recommendations[i]
		r.Consultation, r.ConsultedVersion = c.Slug, c.Version
	}
	firstOfGroup := map[int64]struct{ rec, idx int }{}
	for _, m := range list {
		cur := now[m.Paragraph]
		ri, ok := where[cur.Paragraph]
		if !ok {
			continue // on a block that was removed, or outside every recommendation
		}
		r := &rec.Recommendations[ri]
		r.CommentTotal++
		if m.group != 0 {
			if at, ok := firstOfGroup[m.group]; ok && at.rec == ri {
				r.Comments[at.idx].Copies++
				continue
			}
		}
		if len(r.Comments) >= MaxRecordComments {
			continue
		}
		r.Comments = append(r.Comments, m.RecordComment)
		if m.group != 0 {
			firstOfGroup[m.group] = struct{ rec, idx int }{ri, len(r.Comments) - 1}
		}
	}
	return nil
}

const editionCols = `d.slug, e.number, e.version, e.title, e.summary, e.publisher, e.published_at`

func scanEdition(r interface{ Scan(...any) error }, extra ...any) (Edition, error) {
	var e Edition
	var at string
	err := r.Scan(append([]any{&e.Document, &e.Number, &e.Version, &e.Title, &e.Summary, &e.Publisher, &at}, extra...)...)
	e.PublishedAt = parseTime(at)
	return e, err
}

// Outcomes lists the published documents, the most recently published
// first, each with its newest edition and the list of all its editions
// (without records), in one read transaction.
func (db *DB) Outcomes(ctx context.Context) ([]Outcome, error) {
	var out []Outcome
	err := db.view(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+editionCols+`, d.status, e.comments,
			(SELECT COUNT(*) FROM editions x WHERE x.document_id = e.document_id),
			json_array_length(e.record, '$.consultations') > 0
			FROM editions e JOIN documents d ON d.id = e.document_id
			WHERE e.number = (SELECT MAX(number) FROM editions x WHERE x.document_id = e.document_id)
			ORDER BY e.published_at DESC, e.id DESC`)
		if err != nil {
			return fmt.Errorf("list outcomes: %w", err)
		}
		if out, err = collect(rows, func(r *sql.Rows) (Outcome, error) {
			var o Outcome
			var err error
			o.Latest, err = scanEdition(r, &o.Status, &o.Comments, &o.Editions, &o.Consulted)
			return o, err
		}); err != nil {
			return fmt.Errorf("list outcomes: %w", err)
		}
		rows, err = tx.QueryContext(ctx, `SELECT `+editionCols+` FROM editions e JOIN documents d ON d.id = e.document_id
			ORDER BY d.slug, e.number`)
		if err != nil {
			return fmt.Errorf("list editions: %w", err)
		}
		all, err := collect(rows, func(r *sql.Rows) (Edition, error) { return scanEdition(r) })
		if err != nil {
			return fmt.Errorf("list editions: %w", err)
		}
		byDoc := map[string][]Edition{}
		for _, e := range all {
			byDoc[e.Document] = append(byDoc[e.Document], e)
		}
		for i := range out {
			out[i].All = byDoc[out[i].Latest.Document]
		}
		return nil
	})
	return out, err
}

// Editions lists a document's editions, oldest first, without their
// records; none (and no error) for a document never published.
func (db *DB) Editions(ctx context.Context, slug string) ([]Edition, error) {
	return editionsIn(ctx, db.read, slug)
}

func editionsIn(ctx context.Context, q querier, slug string) ([]Edition, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+editionCols+` FROM editions e JOIN documents d ON d.id = e.document_id
		WHERE d.slug = ? ORDER BY e.number`, slug)
	if err != nil {
		return nil, fmt.Errorf("list editions of %s: %w", slug, err)
	}
	return collect(rows, func(r *sql.Rows) (Edition, error) { return scanEdition(r) })
}

// Edition returns edition n of a document with its record, as frozen
// (OutcomeView leaves out comments taken down since); n = 0 is the
// newest. ErrNotFound when there is no such edition.
func (db *DB) Edition(ctx context.Context, slug string, n int) (Edition, error) {
	return editionIn(ctx, db.read, slug, n)
}

func editionIn(ctx context.Context, q querier, slug string, n int) (Edition, error) {
	query := `SELECT ` + editionCols + `, e.record FROM editions e JOIN documents d ON d.id = e.document_id WHERE d.slug = ?`
	args := []any{slug}
	if n > 0 {
		query += " AND e.number = ?"
		args = append(args, n)
	} else {
		query += " ORDER BY e.number DESC LIMIT 1"
	}
	var js string
	e, err := scanEdition(q.QueryRowContext(ctx, query, args...), &js)
	if errors.Is(err, sql.ErrNoRows) {
		return Edition{}, fmt.Errorf("edition %d of %s: %w", n, slug, ErrNotFound)
	}
	if err != nil {
		return Edition{}, fmt.Errorf("read edition %d of %s: %w", n, slug, err)
	}
	if err := json.Unmarshal([]byte(js), &e.Record); err != nil {
		return Edition{}, fmt.Errorf("read edition %d of %s: record: %w", e.Number, slug, err)
	}
	return e, nil
}

// backfillEditions gives every version published before editions existed
// its edition, in the order they were published, with the record as the
// database holds it now.
func (db *DB) backfillEditions(ctx context.Context) error {
	rows, err := db.write.QueryContext(ctx, `SELECT d.slug, v.number, v.published_at FROM document_versions v
		JOIN documents d ON d.id = v.document_id
		WHERE v.published_at <> '' AND NOT EXISTS (SELECT 1 FROM editions e WHERE e.document_id = v.document_id AND e.version = v.number)
		ORDER BY v.published_at, v.id`)
	if err != nil {
		return fmt.Errorf("find versions published before editions: %w", err)
	}
	type pending struct {
		slug    string
		version int
		at      string
	}
	list, err := collect(rows, func(r *sql.Rows) (pending, error) {
		var p pending
		return p, r.Scan(&p.slug, &p.version, &p.at)
	})
	if err != nil {
		return fmt.Errorf("find versions published before editions: %w", err)
	}
	for _, p := range list {
		err := db.update(ctx, func(t *Tx) error {
			_, err := t.publish(ctx, p.slug, p.version, p.at)
			if errors.Is(err, ErrAlreadyPublished) {
				return nil
			}
			var ve *ValidationError
			if errors.As(err, &ve) {
				return nil // older than an edition already made; stays a plain published version
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("edition for version %d of %s: %w", p.version, p.slug, err)
		}
	}
	return nil
}

// OutcomeState is what may change on a published document's pages after
// publication: its newest edition, its status, how many comments of its
// consultations are no longer approved (a moderator may hide one later,
// and the pages then leave it out), and the group's name (the author of
// every citation). Newest is 0 when the document does not exist or was
// never published.
type OutcomeState struct {
	Newest    int
	Status    string
	Withdrawn int
	GroupName string
}

// OutcomeState reads a document's OutcomeState in one query of indexed
// rows, for caches to revalidate with.
func (db *DB) OutcomeState(ctx context.Context, slug string) (OutcomeState, error) {
	var st OutcomeState
	err := db.read.QueryRowContext(ctx, `SELECT IFNULL((SELECT MAX(number) FROM editions WHERE document_id = d.id), 0), d.status,
		(SELECT COUNT(*) FROM comments m JOIN consultations c ON c.id = m.consultation_id WHERE c.document_id = d.id AND m.state <> 'approved'),
		IFNULL((SELECT value FROM meta WHERE key = ?), '')
		FROM documents d WHERE d.slug = ?`, MetaGroupName, slug).Scan(&st.Newest, &st.Status, &st.Withdrawn, &st.GroupName)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return OutcomeState{}, fmt.Errorf("outcome state of %s: %w", slug, err)
	}
	return st, nil
}

// OutcomeView is everything a page, an API answer or a download of one
// edition shows, read in one read transaction so that its parts agree.
type OutcomeView struct {
	// Edition is the edition with its record, less the comments that are
	// no longer approved: the record freezes what the group decided, not
	// a right to keep showing a text a moderator has taken down.
	Edition Edition
	// Editions lists every edition of the document, oldest first.
	Editions []Edition
	// Status is the document's status now.
	Status string
	// GroupName is the working group's name (a site setting), "" if unset.
	GroupName string
	// Version is the edition's text. Consulted holds the versions the
	// record's consultations were held on, by number.
	Version   Version
	Consulted map[int]Version
	// Cited holds the policies that Version and the Consulted versions
	// cite, as they are now (a citation shows a policy's short title,
	// which may change), by slug; a cited slug that names no policy any
	// more is absent.
	Cited map[string]Policy
}

// OutcomeView reads edition n (0: the newest) of a document and all that
// goes with it. ErrNotFound when there is no such edition.
func (db *DB) OutcomeView(ctx context.Context, slug string, n int) (OutcomeView, error) {
	var out OutcomeView
	err := db.view(ctx, func(tx *sql.Tx) error {
		var err error
		if out.Edition, err = editionIn(ctx, tx, slug, n); err != nil {
			return err
		}
		if out.Editions, err = editionsIn(ctx, tx, slug); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT d.status, IFNULL((SELECT value FROM meta WHERE key = ?), '')
			FROM documents d WHERE d.slug = ?`, MetaGroupName, slug).Scan(&out.Status, &out.GroupName); err != nil {
			return fmt.Errorf("outcome %s: %w", slug, err)
		}
		if out.Version, err = versionIn(ctx, tx, slug, out.Edition.Version); err != nil {
			return err
		}
		out.Consulted = map[int]Version{}
		for _, c := range out.Edition.Record.Consultations {
			if _, ok := out.Consulted[c.Version]; ok {
				continue
			}
			if c.Version == out.Edition.Version {
				out.Consulted[c.Version] = out.Version
				continue
			}
			if out.Consulted[c.Version], err = versionIn(ctx, tx, slug, c.Version); err != nil {
				return err
			}
		}
		out.Cited = map[string]Policy{}
		versions := []Version{out.Version}
		for _, v := range out.Consulted {
			versions = append(versions, v)
		}
		for _, v := range versions {
			for _, c := range v.Citations {
				if _, seen := out.Cited[c.Target]; seen || c.Kind != "policy" {
					continue
				}
				p, err := loadPolicy(ctx, tx, c.Target)
				if errors.Is(err, ErrNotFound) {
					continue
				}
				if err != nil {
					return fmt.Errorf("outcome %s: %w", slug, err)
				}
				out.Cited[c.Target] = p
			}
		}
		return dropTakenDown(ctx, tx, slug, &out.Edition.Record)
	})
	return out, err
}

// dropTakenDown takes out of a record the comments that are no longer
// approved.
func dropTakenDown(ctx context.Context, q querier, slug string, rec *Record) error {
	rows, err := q.QueryContext(ctx, `SELECT m.id FROM comments m JOIN consultations c ON c.id = m.consultation_id
		JOIN documents d ON d.id = c.document_id WHERE d.slug = ? AND m.state <> 'approved'`, slug)
	if err != nil {
		return fmt.Errorf("outcome %s: comments taken down: %w", slug, err)
	}
	ids, err := collect(rows, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return fmt.Errorf("outcome %s: comments taken down: %w", slug, err)
	}
	if len(ids) == 0 {
		return nil
	}
	gone := make(map[int64]bool, len(ids))
	for _, id := range ids {
		gone[id] = true
	}
	for i := range rec.Recommendations {
		r := &rec.Recommendations[i]
		kept := r.Comments[:0]
		for _, m := range r.Comments {
			if gone[m.ID] {
				r.CommentTotal -= m.Copies
				continue
			}
			kept = append(kept, m)
		}
		r.Comments = kept
	}
	return nil
}

// publishableText tells an editor which versions may be published: the
// ones after the newest edition's version (published, 0 for none) up to
// the latest. It names them, since "from 1 to N" would offer versions
// that are published already.
func publishableText(published, latest int) string {
	first := published + 1
	switch {
	case first > latest:
		return "Every version is published already; save a new version to publish a new edition"
	case first == latest:
		return fmt.Sprintf("Choose version %d", latest)
	case first+1 == latest:
		return fmt.Sprintf("Choose one of versions %d and %d", first, latest)
	}
	return fmt.Sprintf("Choose one of versions %d to %d", first, latest)
}
