package store

import "context"

// MetaGroupName is the meta key of the working group's name, a site
// setting: replies and the outcome's author are shown under it.
const MetaGroupName = "site:group_name"

// GroupName is the working group's name, "" until it is set.
func (db *DB) GroupName(ctx context.Context) (string, error) {
	return db.Meta(ctx, MetaGroupName)
}

// SetGroupName sets the working group's name.
func (db *DB) SetGroupName(ctx context.Context, name string) error {
	return db.SetMeta(ctx, MetaGroupName, name)
}
