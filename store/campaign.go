package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// SignatureSize is the number of hash values of a comment's signature.
const SignatureSize = 64

// Signature is a comment text's MinHash signature (content.MinHash makes
// it): two texts' signatures agree at about as many positions as the share
// of word shingles the texts have in common.
type Signature []uint32

// Similarity estimates the Jaccard similarity of the texts of two
// signatures: the share of positions where they agree. A text too short
// to compare (no signature) is similar to nothing.
func Similarity(a, b Signature) float64 {
	if len(a) != SignatureSize || len(b) != SignatureSize {
		return 0
	}
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	return float64(same) / SignatureSize
}

// CampaignThreshold is the least estimated similarity at which a new
// comment joins a near copy's group. Copies of one text with a few words
// changed share most of their two-word shingles; paraphrases and different
// comments on the same paragraph share few (content's grouping test
// measures precision and recall on a mixed set).
const CampaignThreshold = 0.4

// Locality-sensitive hashing: the signature is cut into bands of
// bandRows values; two signatures that agree on a whole band become
// candidates, which are then compared in full. With 21 bands of 3, texts
// of similarity 0.4 are candidates with probability 1-(1-0.4^3)^21 = 0.75,
// of 0.5 with 0.94, of 0.2 with 0.16; a copy in a campaign of many meets
// some copy as a candidate all but surely.
const (
	bandRows = 3
	bands    = SignatureSize / bandRows
)

func (s Signature) bytes() []byte {
	b := make([]byte, 4*len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint32(b[4*i:], v)
	}
	return b
}

func signatureOf(b []byte) Signature {
	if len(b) != 4*SignatureSize {
		return nil
	}
	s := make(Signature, SignatureSize)
	for i := range s {
		s[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return s
}

// bandHashes hashes each band of a signature.
func (s Signature) bandHashes() [bands]int64 {
	var out [bands]int64
	b := s.bytes()
	for i := range out {
		h := fnv.New64a()
		h.Write(b[i*4*bandRows : (i+1)*4*bandRows])
		out[i] = int64(h.Sum64() >> 1)
	}
	return out
}

// targetKey names what a comment is about, for grouping: comments are
// copies of each other only on the same target.
func targetKey(paragraph string, question int) string {
	switch {
	case paragraph != "":
		return paragraph
	case question > 0:
		return "q" + strconv.Itoa(question)
	}
	return "general"
}

// groupComment files a new comment's signature and puts the comment in
// the group of its most similar near copy on the same target, making that
// group if the copy had none. A comment taken out of a group by a
// moderator is no one's copy.
func (t *Tx) groupComment(ctx context.Context, consultationID, id int64, target string, sig Signature) (int64, error) {
	if len(sig) != SignatureSize {
		return 0, nil
	}
	hashes := sig.bandHashes()
	// One equality lookup per band, so that each uses the whole of
	// comment_bands_lookup; an OR of the bands would use only its first
	// two columns and read every band row of the paragraph.
	var lookups []string
	var args []any
	for i, h := range hashes {
		lookups = append(lookups, "SELECT comment_id FROM comment_bands WHERE consultation_id = ? AND target = ? AND band = ? AND hash = ?")
		args = append(args, consultationID, target, i, h)
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT m.id, m.signature, IFNULL(m.group_id, 0) FROM comments m WHERE m.id IN (
		`+strings.Join(lookups, " UNION ")+`)
		AND m.group_removed = 0 AND m.state <> 'withdrawn' ORDER BY m.id LIMIT 200`, args...)
	if err != nil {
		return 0, fmt.Errorf("find copies of comment %d: %w", id, err)
	}
	var best, bestGroup int64
	bestSim := 0.0
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var cid, gid int64
			var raw []byte
			if err := rows.Scan(&cid, &raw, &gid); err != nil {
				return err
			}
			if sim := Similarity(sig, signatureOf(raw)); sim >= CampaignThreshold && sim > bestSim {
				best, bestGroup, bestSim = cid, gid, sim
			}
		}
		return rows.Err()
	}()
	if err != nil {
		return 0, fmt.Errorf("find copies of comment %d: %w", id, err)
	}
	for i, h := range hashes {
		if _, err := t.exec(ctx, "INSERT INTO comment_bands (consultation_id, target, band, hash, comment_id) VALUES (?, ?, ?, ?, ?)",
			consultationID, target, i, h, id); err != nil {
			return 0, fmt.Errorf("file signature of comment %d: %w", id, err)
		}
	}
	if _, err := t.exec(ctx, "UPDATE comments SET signature = ? WHERE id = ?", sig.bytes(), id); err != nil {
		return 0, fmt.Errorf("file signature of comment %d: %w", id, err)
	}
	if best == 0 {
		return 0, nil
	}
	if bestGroup == 0 {
		res, err := t.exec(ctx, "INSERT INTO comment_groups (consultation_id, created_at) VALUES (?, ?)", consultationID, t.stamp())
		if err != nil {
			return 0, fmt.Errorf("group comment %d: %w", id, err)
		}
		if bestGroup, err = res.LastInsertId(); err != nil {
			return 0, fmt.Errorf("group comment %d: %w", id, err)
		}
		if _, err := t.exec(ctx, "UPDATE comments SET group_id = ? WHERE id = ?", bestGroup, best); err != nil {
			return 0, fmt.Errorf("group comment %d: %w", best, err)
		}
	}
	if _, err := t.exec(ctx, "UPDATE comments SET group_id = ? WHERE id = ?", bestGroup, id); err != nil {
		return 0, fmt.Errorf("group comment %d: %w", id, err)
	}
	return bestGroup, nil
}

// CommentGroup is a campaign group: near-identical comments of one
// consultation on one target, oldest first.
type CommentGroup struct {
	ID           int64
	Consultation string
	Comments     []Comment
}

// Group returns a campaign group with its comments in every state.
func (db *DB) Group(ctx context.Context, id int64) (CommentGroup, error) {
	g := CommentGroup{ID: id}
	err := db.view(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT c.slug FROM comment_groups g JOIN consultations c ON c.id = g.consultation_id WHERE g.id = ?", id).Scan(&g.Consultation)
		if err == sql.ErrNoRows {
			return fmt.Errorf("comment group %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read comment group %d: %w", id, err)
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+commentCols+commentFrom+" WHERE m.group_id = ? ORDER BY m.id", id)
		if err != nil {
			return fmt.Errorf("read comment group %d: %w", id, err)
		}
		g.Comments, err = collect(rows, func(r *sql.Rows) (Comment, error) { return scanComment(r) })
		return err
	})
	return g, err
}

// groupMembers lists the ids of a group's comments in a state, inside t.
func (t *Tx) groupMembers(ctx context.Context, id int64, states ...string) ([]int64, error) {
	var n int
	if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM comment_groups WHERE id = ?", id).Scan(&n); err != nil {
		return nil, fmt.Errorf("read comment group %d: %w", id, err)
	}
	if n == 0 {
		return nil, fmt.Errorf("comment group %d: %w", id, ErrNotFound)
	}
	rows, err := t.tx.QueryContext(ctx, "SELECT id FROM comments WHERE group_id = ? AND state IN ("+placeholders(len(states))+") ORDER BY id",
		append([]any{id}, anys(states)...)...)
	if err != nil {
		return nil, fmt.Errorf("read comment group %d: %w", id, err)
	}
	return collect(rows, func(r *sql.Rows) (int64, error) {
		var v int64
		return v, r.Scan(&v)
	})
}

// RemoveFromGroup takes a comment out of its campaign group for good: it
// keeps its own row and is never grouped again.
func (db *DB) RemoveFromGroup(ctx context.Context, id int64) (Comment, error) {
	var out Comment
	err := db.update(ctx, func(t *Tx) error {
		m, err := commentIn(ctx, t.tx, id)
		if err != nil {
			return err
		}
		if m.GroupID == 0 {
			return &ValidationError{Fields: map[string]string{"group": "This comment is in no group"}}
		}
		if _, err := t.exec(ctx, "UPDATE comments SET group_id = NULL, group_removed = 1 WHERE id = ?", id); err != nil {
			return fmt.Errorf("take comment %d out of its group: %w", id, err)
		}
		key := strconv.FormatInt(id, 10)
		if err := t.change(ctx, "comment", key, "upsert"); err != nil {
			return err
		}
		if err := t.audit(ctx, "comment.ungroup", "comment:"+key, fmt.Sprintf("out of group %d", m.GroupID)); err != nil {
			return err
		}
		out, err = commentIn(ctx, t.tx, id)
		return err
	})
	return out, err
}

// ModerateGroup approves or hides, in one transaction, every comment of a
// campaign group that is pending or approved; it returns how many.
func (db *DB) ModerateGroup(ctx context.Context, id int64, action, reason, note string, notify Notifier) (int, error) {
	reason, note, err := checkModeration(action, reason, note)
	if err != nil {
		return 0, err
	}
	n := 0
	err = db.update(ctx, func(t *Tx) error {
		ids, err := t.groupMembers(ctx, id, CommentPending, CommentApproved)
		if err != nil {
			return err
		}
		for _, cid := range ids {
			if _, err := t.moderateOne(ctx, cid, action, reason, note, notify); err != nil {
				return err
			}
		}
		n = len(ids)
		return t.audit(ctx, "group.moderate", fmt.Sprintf("group:%d", id), fmt.Sprintf("%s %d comments", action, n))
	})
	return n, err
}

// DisposeGroup gives every approved comment of a campaign group the same
// disposition, in one transaction; it returns how many.
func (db *DB) DisposeGroup(ctx context.Context, id int64, d Disposition, notify Notifier) (int, error) {
	if err := d.validate().err(); err != nil {
		return 0, err
	}
	n := 0
	err := db.update(ctx, func(t *Tx) error {
		ids, err := t.groupMembers(ctx, id, CommentApproved)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return &ValidationError{Fields: map[string]string{"disposition": "The group has no approved comment to answer"}}
		}
		for _, cid := range ids {
			m, err := commentIn(ctx, t.tx, cid)
			if err != nil {
				return err
			}
			if _, err := t.disposeOne(ctx, m, d, notify); err != nil {
				return err
			}
		}
		n = len(ids)
		return t.audit(ctx, "group.disposition", fmt.Sprintf("group:%d", id), fmt.Sprintf("%s to %d comments", d.Value, n))
	})
	return n, err
}
