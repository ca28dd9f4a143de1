package content

import (
	"context"
	"errors"

	"github.com/dc-isss/accord/store"
)

// ResolutionTable reads the current resolution table of a consultation.
func ResolutionTable(ctx context.Context, db *store.DB, slug string) ([]ResolutionRow, error) {
	ms, err := db.ResolutionComments(ctx, slug)
	if err != nil {
		return nil, err
	}
	rows := make([]ResolutionRow, len(ms))
	for i, m := range ms {
		rows[i] = ResolutionRowOf(m)
	}
	return rows, nil
}

// PrepareResolution checks a filled table against a consultation: it
// reads the file, compares it with the current table and runs its changes
// through the store without keeping them, so that versions and paragraphs
// that do not exist are problems of the file too. It returns the changes
// and the time of the newest disposition they are based on (for
// ApplyResolution's staleness check), or a *ResolutionError.
func PrepareResolution(ctx context.Context, db *store.DB, md *Markdown, slug, name string, b []byte) ([]ResolutionChange, string, error) {
	basedOn, err := db.LatestDisposition(ctx, slug)
	if err != nil {
		return nil, "", err
	}
	current, err := ResolutionTable(ctx, db, slug)
	if err != nil {
		return nil, "", err
	}
	changes, err := CheckResolution(name, b, current)
	if err != nil {
		return nil, "", err
	}
	if len(changes) == 0 {
		return nil, basedOn, nil
	}
	err = db.CheckResolution(ctx, slug, StoreChanges(md, changes), basedOn)
	var se *store.ResolutionError
	if errors.As(err, &se) {
		return nil, "", RefusedChanges(name, changes, se)
	}
	if err != nil {
		return nil, "", err
	}
	return changes, basedOn, nil
}

// StoreChanges turns a table's changes into the store's, each rationale
// rendered with the comment policy.
func StoreChanges(md *Markdown, changes []ResolutionChange) []store.ResolutionChange {
	out := make([]store.ResolutionChange, len(changes))
	for i, ch := range changes {
		html, _ := md.RenderComment(ch.Observations)
		out[i] = store.ResolutionChange{CommentID: ch.ID, Disposition: store.Disposition{Value: ch.Disposition,
			Rationale: ch.Observations, RationaleHTML: string(html), AddressedIn: ch.AddressedIn}}
	}
	return out
}
