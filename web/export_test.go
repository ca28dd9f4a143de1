package web

import (
	"context"

	"github.com/dc-isss/accord/store"
)

// CSRFTokenFor is a valid masked CSRF token for a client holding these
// cookies (by their plain or __Host- names), as a page would render it: bound to the session
// when the session cookie is still good, otherwise to the pre-session id
// of the CSRF cookie; "" when the server could accept none.
func CSRFTokenFor(db *store.DB, cookies map[string]string) string {
	ctx := context.Background()
	binding := ""
	for _, prefix := range []string{"", "__Host-"} {
		if v := cookies[prefix+sessionCookie]; binding == "" && v != "" {
			if _, err := db.SessionUser(ctx, v); err == nil {
				binding = "session:" + v
			}
		}
	}
	for _, prefix := range []string{"", "__Host-"} {
		if v := cookies[prefix+csrfCookie]; binding == "" && len(v) == 43 {
			binding = "visitor:" + v
		}
	}
	if binding == "" {
		return ""
	}
	key, err := db.Secret(ctx, csrfKeyName)
	if err != nil {
		panic(err)
	}
	t, err := maskToken(csrfMAC([]byte(key), binding))
	if err != nil {
		panic(err)
	}
	return t
}
