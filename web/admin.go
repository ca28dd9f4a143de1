package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/dc-isss/accord/store"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

func (s *Server) adminUsers(c echo.Context) error {
	users, err := s.db.Users(c.Request().Context())
	if err != nil {
		return err
	}
	me := userFrom(c)
	mfa, err := s.db.MFAUsers(c.Request().Context())
	if err != nil {
		return err
	}
	p := views.AdminUsersPage{Base: s.noindex(c, "Users"), Roles: choices(store.Roles)}
	for _, u := range users {
		p.Users = append(p.Users, views.UserRow{ID: u.ID, Email: u.Email, Name: u.Name, Organisation: u.Organisation,
			Role: u.Role, Disabled: u.Disabled, Self: u.ID == me.ID, Created: u.CreatedAt, MFA: mfa[u.ID]})
	}
	return s.render(c, http.StatusOK, views.AdminUsersView(p))
}

// targetUser is the account named in the path. Admins cannot change
// their own role or access here, so the last admin cannot lock everyone
// out by mistake.
func (s *Server) targetUser(c echo.Context) (store.User, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return store.User{}, echo.ErrNotFound
	}
	u, err := s.db.User(c.Request().Context(), id)
	if err != nil {
		return store.User{}, err
	}
	if u.ID == userFrom(c).ID {
		return store.User{}, &Error{Status: http.StatusForbidden, Code: "forbidden",
			Message: "You cannot change your own role or access; ask another administrator."}
	}
	return u, nil
}

func (s *Server) setUserRole(c echo.Context) error {
	u, err := s.targetUser(c)
	if err != nil {
		return err
	}
	if err := s.db.SetRole(actorCtx(c), u.ID, c.FormValue("role")); err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/users", "role-changed")
}

func (s *Server) setUserDisabled(c echo.Context) error {
	u, err := s.targetUser(c)
	if err != nil {
		return err
	}
	disabled := c.FormValue("disabled") != "0"
	if err := s.db.SetDisabled(actorCtx(c), u.ID, disabled); err != nil {
		return err
	}
	if disabled {
		return s.redirectFlash(c, "/admin/users", "user-disabled")
	}
	return s.redirectFlash(c, "/admin/users", "user-enabled")
}

var auditFields = []string{"actor", "action", "object", "from", "to"}

const auditPerPage = 50

func (s *Server) adminAudit(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.NewForm(auditFields...)
	q := c.QueryParams()
	for _, name := range auditFields {
		if v := q.Get(name); v != "" {
			f.Set(name, v)
		}
	}
	filter := store.AuditFilter{Actor: f.Get("actor"), Action: f.Get("action"), Object: f.Get("object"), Limit: auditPerPage}
	for _, d := range []struct {
		name string
		dst  *time.Time
		add  int
	}{{"from", &filter.From, 0}, {"to", &filter.To, 1}} {
		v := f.Get(d.name)
		if v == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			f.Errors[d.name] = "Enter a date as YYYY-MM-DD"
			continue
		}
		// "to" is inclusive for people: up to the end of that day.
		*d.dst = t.AddDate(0, 0, d.add)
	}
	page := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return badRequest("page", "page must be a whole number from 1")
		}
		page = n
	}
	filter.Offset = (page - 1) * auditPerPage
	p := views.AuditPage{Base: s.noindex(c, "Audit log"), Form: f}
	actions, err := s.db.AuditActions(ctx)
	if err != nil {
		return err
	}
	p.Actions = []views.Choice{{Value: "", Label: "Any"}}
	for _, a := range actions {
		p.Actions = append(p.Actions, views.Choice{Value: a, Label: a})
	}
	status := http.StatusOK
	if f.Invalid() {
		status = http.StatusBadRequest
	} else {
		events, total, err := s.db.Audit(ctx, filter)
		if err != nil {
			return err
		}
		p.Total = total
		for _, e := range events {
			p.Rows = append(p.Rows, views.AuditRow{At: e.At, Actor: e.Actor, Action: e.Action, Object: e.Object, Detail: e.Detail, IP: e.IP})
		}
	}
	base := c.QueryParams()
	p.Pager = views.Pager{Page: page, Pages: int(math.Ceil(float64(p.Total) / auditPerPage)), Total: p.Total,
		Href: func(n int) string {
			v := cloneValues(base)
			v.Set("page", fmt.Sprint(n))
			return listURL("/admin/audit", v)
		}}
	return s.render(c, status, views.AuditView(p))
}
