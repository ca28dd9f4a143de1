package web

import (
	"strconv"
	"strings"

	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// sessionRows lists the signed-in user's sessions for the account page,
// marking the one the page is shown to.
func (s *Server) sessionRows(c echo.Context, userID int64) ([]views.SessionRow, error) {
	current, _ := c.Get(ctxSession).(string)
	list, err := s.db.Sessions(c.Request().Context(), userID, current)
	if err != nil {
		return nil, err
	}
	rows := make([]views.SessionRow, 0, len(list))
	for _, x := range list {
		rows = append(rows, views.SessionRow{ID: x.ID, Device: deviceName(x.UserAgent), Agent: x.UserAgent,
			IP: x.IP, Created: x.Created, Seen: x.Seen, Current: x.Current})
	}
	return rows, nil
}

// endSession ends one of the user's own sessions. Another user's session
// is not found (EndSession matches the user too). Ending the current one
// is signing out here.
func (s *Server) endSession(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	u := userFrom(c)
	current, _ := c.Get(ctxSession).(string)
	list, err := s.db.Sessions(c.Request().Context(), u.ID, current)
	if err != nil {
		return err
	}
	isCurrent := false
	for _, x := range list {
		isCurrent = isCurrent || (x.ID == id && x.Current)
	}
	if err := s.db.EndSession(actorCtx(c), u.ID, id); err != nil {
		return err
	}
	if isCurrent {
		s.clearCookie(c, sessionCookie)
		return s.redirectFlash(c, "/", "signed-out")
	}
	return s.redirectFlash(c, "/account#sessions", "session-ended")
}

// endAllSessions signs a user out everywhere, leaving the account enabled
// and its API tokens working: for a lost laptop, when disabling the
// account would be too much. Audited by the store.
func (s *Server) endAllSessions(c echo.Context) error {
	u, err := s.targetUser(c)
	if err != nil {
		return err
	}
	if _, err := s.db.EndAllSessions(actorCtx(c), u.ID); err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/users", "sessions-ended")
}

// deviceName names the browser and system of a user agent in a few words,
// such as "Firefox on Linux". It is a guide for people, not detection:
// the agent is whatever the client sent.
func deviceName(ua string) string {
	if ua == "" {
		return "Unknown device"
	}
	first := func(pairs [][2]string) string {
		for _, p := range pairs {
			if strings.Contains(ua, p[0]) {
				return p[1]
			}
		}
		return ""
	}
	// Order matters: Edge and Opera say Chrome, Chrome says Safari,
	// Android says Linux, iPhone says Mac OS X.
	browser := first([][2]string{{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"},
		{"Chromium/", "Chromium"}, {"Safari/", "Safari"}, {"curl/", "curl"}})
	system := first([][2]string{{"Windows", "Windows"}, {"Android", "Android"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"},
		{"CrOS", "ChromeOS"}, {"Mac OS X", "macOS"}, {"Linux", "Linux"}})
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "A browser on " + system
	}
	// Unknown: the product token, bounded, so the row still says something.
	name, _, _ := strings.Cut(ua, " ")
	if len([]rune(name)) > 40 {
		name = string([]rune(name)[:40]) + "…"
	}
	return name
}
