package store

import "context"

// Actor is who makes a change: a signed-in user, or a named process such as
// the command line. It is carried by the context of every write so that the
// audit log can name it.
type Actor struct {
	UserID int64
	Email  string
	// Process names a non-user actor such as "cli" or "system".
	Process string
	IP      string
}

// SystemProcess is the actor of the shipped content's own loading (the
// seed on first start and accord content sync): what sync does not count
// as an edit.
const SystemProcess = "system"

// Name is how the audit log shows the actor.
func (a Actor) Name() string {
	switch {
	case a.Email != "":
		return a.Email
	case a.Process != "":
		return a.Process
	default:
		return "anonymous"
	}
}

type actorKey struct{}

// WithActor returns a context whose writes are attributed to a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx, or the zero Actor.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}
