package web

import (
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"github.com/dc-isss/accord/static"
	"github.com/labstack/echo/v4"
)

func (s *Server) routes(e *echo.Echo) {
	// Who may do what: every route that changes data or shows private data
	// names its least role here, so the list reads as the access policy.
	member := requireRole("stakeholder")
	editor := requireRole("editor")
	admin := requireRole("admin")

	// Public pages whose content is a function of the URL and the database
	// alone are served from the page cache to anonymous readers (see
	// cache.go). A page that depends on the clock or on the search index
	// (which trails the database) must not be cached.
	cached := s.cached
	e.GET("/", s.home, cached)
	e.GET("/policies", s.policies, canonicalList, s.cachedUnlessWords) // words: from the search index
	e.GET("/policies/:slug", s.policy, cached)
	e.GET("/jurisdictions/:code", s.jurisdiction, cached)
	e.GET("/frameworks/:slug", s.framework, cached)
	e.GET("/frameworks/:slug/items/:code", s.item, cached)
	e.GET("/coverage", s.coverage, cached)
	e.GET("/map", s.worldMap, cached)
	e.GET("/search", s.searchPage, canonicalList)
	// Topics and the comparison of jurisdictions (topics.go, compare.go).
	// /compare redirects other spellings of a choice to its canonical
	// address itself; the cache keeps only 200s.
	e.GET("/topics", s.topics, cached)
	e.GET("/topics/:slug", s.topic, cached)
	e.GET("/compare", s.compare, cached)
	e.GET("/compare.csv", s.compareCSV) // not cached: the cache keeps no Content-Disposition

	// Accounts.
	e.GET("/login", s.loginPage)
	e.POST("/login", s.login)
	e.POST("/logout", s.logout)
	e.GET("/register", s.registerPage)
	e.POST("/register", s.register)
	e.GET("/setup", s.setupPage)
	e.POST("/setup", s.setup)
	e.GET("/account", s.account, member)
	e.POST("/account", s.saveProfile, member)
	e.POST("/account/password", s.changePassword, member)
	e.POST("/account/tokens", s.createToken, member)
	e.POST("/account/tokens/:id/revoke", s.revokeToken, member)
	e.POST("/account/sessions/:id/end", s.endSession, member)
	e.POST("/account/subscriptions", s.saveSubscriptions, member)
	// A forgotten password and a registration confirmed by email
	// (password_reset.go, register_confirm.go): the emailed link is the
	// credential; without --smtp-url the pages say so and send nothing.
	e.GET("/password/forgot", s.forgotPage)
	e.POST("/password/forgot", s.forgot)
	e.GET("/password/reset", s.resetPage)
	e.POST("/password/reset", s.reset)
	e.GET("/register/confirm", s.confirmRegistrationPage)
	e.POST("/register/confirm", s.confirmRegistration)
	// The signed link is the credential: no session needed, and the POST
	// (also mail clients' one-click unsubscribe) is exempt from CSRF.
	e.GET("/unsubscribe", s.unsubscribePage)
	e.POST("/unsubscribe", s.unsubscribe)

	// Two-factor sign-in (TOTP; mfa.go): the second step of signing in,
	// enrolment and removal by the account, an admin's reset, and the
	// --require-mfa gate (echo runs e.Use middleware after authenticate
	// whatever the order of registration, so it sees the user).
	e.GET("/login/mfa", s.mfaLoginPage)
	e.POST("/login/mfa", s.mfaLogin)
	e.GET("/account/mfa", s.mfaPage, member)
	e.POST("/account/mfa", s.confirmMFA, member)
	e.POST("/account/mfa/disable", s.disableMFA, member)
	e.POST("/admin/users/:id/mfa/reset", s.resetUserMFA, admin)
	// Passkeys (passkeys.go): the ceremonies' JSON calls, made by
	// static/js/passkey.js, and the plain form that removes one.
	e.POST("/account/mfa/passkeys/options", s.passkeyRegisterOptions, member)
	e.POST("/account/mfa/passkeys", s.addPasskey, member)
	e.POST("/account/mfa/passkeys/:id/remove", s.removePasskey, member)
	e.POST("/login/mfa/passkey/options", s.passkeyLoginOptions)
	e.POST("/login/mfa/passkey", s.passkeyLogin)
	e.Use(s.mfaGate)

	// Editing the knowledge base.
	e.GET("/policies/new", s.newPolicy, editor)
	e.POST("/policies/new", s.createPolicy, editor)
	e.GET("/policies/import", s.importPage, editor)
	e.POST("/policies/import", s.importUpload, editor)
	e.GET("/policies/export", s.export)
	e.GET("/policies/:slug/edit", s.editPolicy, editor)
	e.POST("/policies/:slug/edit", s.updatePolicy, editor)
	e.GET("/policies/:slug/delete", s.confirmDeletePolicy, editor)
	e.POST("/policies/:slug/delete", s.deletePolicy, editor)
	e.GET("/policies/:slug/history", s.history, editor)
	e.GET("/policies/:slug/provisions/new", s.provisionPage, editor)
	e.POST("/policies/:slug/provisions/new", s.saveProvision, editor)
	e.GET("/policies/:slug/provisions/:ref/edit", s.provisionPage, editor)
	e.POST("/policies/:slug/provisions/:ref/edit", s.saveProvision, editor)
	e.GET("/policies/:slug/provisions/:ref/delete", s.confirmDeleteProvision, editor)
	e.POST("/policies/:slug/provisions/:ref/delete", s.deleteProvision, editor)
	e.GET("/policies/:slug/mappings/new", s.mappingPage, editor)
	e.POST("/policies/:slug/mappings/new", s.saveMapping, editor)
	e.GET("/policies/:slug/mappings/:id/edit", s.mappingPage, editor)
	e.POST("/policies/:slug/mappings/:id/edit", s.saveMapping, editor)
	e.GET("/policies/:slug/mappings/:id/delete", s.confirmDeleteMapping, editor)
	e.POST("/policies/:slug/mappings/:id/delete", s.deleteMapping, editor)
	e.GET("/review", s.reviewQueue, editor)
	e.POST("/review/:id", s.reviewMapping, editor)
	e.GET("/quality", s.quality, editor)

	// Administration.
	e.GET("/admin", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/admin/users") }, admin)
	e.GET("/admin/users", s.adminUsers, admin)
	e.POST("/admin/users/:id/role", s.setUserRole, admin)
	e.POST("/admin/users/:id/disable", s.setUserDisabled, admin)
	e.POST("/admin/users/:id/sessions/end", s.endAllSessions, admin)
	e.GET("/admin/audit", s.adminAudit, admin)
	e.GET("/admin/outbox", s.adminOutbox, admin)

	e.GET("/healthz", s.healthz)
	// /metrics is added by NewServer, behind metricsGuard, unless it is
	// served on a listener of its own.
	e.GET("/robots.txt", s.robots)
	e.GET("/sitemap.xml", s.sitemap)
	e.GET("/policies.atom", s.policiesAtom, cached)

	e.GET("/static/*", staticFiles(static.FS))

	// The JSON API. Every route here is described in openapi.yaml (served
	// at /api/v1/openapi.json); /api is the page for people.
	e.GET("/api", s.apiPage)
	api := e.Group("/api/v1")
	api.GET("", s.apiIndex)
	api.GET("/openapi.json", s.apiOpenAPI)
	api.RouteNotFound("/*", s.apiNoRoute)
	api.GET("/policies", s.apiPolicies)
	api.GET("/policies/:slug", s.apiPolicy)
	api.GET("/frameworks", s.apiFrameworks)
	api.GET("/frameworks/:slug", s.apiFramework)
	api.GET("/frameworks/:slug/mappings", s.apiMappings)
	api.GET("/coverage", s.apiCoverage)
	api.GET("/jurisdictions", s.apiJurisdictions)
	api.GET("/topics", s.apiTopics)
	api.GET("/topics/:slug", s.apiTopic)
	api.GET("/compare", s.apiCompare)
	api.POST("/policies", s.apiCreatePolicy, editor)
	api.PUT("/policies/:slug", s.apiPutPolicy, editor)
	api.DELETE("/policies/:slug", s.apiDeletePolicy, editor)
	api.GET("/mappings/:id", s.apiMapping)
	api.POST("/mappings", s.apiCreateMapping, editor)
	api.DELETE("/mappings/:id", s.apiDeleteMapping, editor)
	api.POST("/mappings/:id/review", s.apiReviewMapping, editor)

	// Documents (drafting): recommendation documents, their versions and
	// redlines. Drafts are for members; handlers answer 404 to others.
	e.GET("/documents", s.documents)
	e.GET("/documents/new", s.newDocument, editor)
	e.POST("/documents/new", s.createDocument, editor)
	e.GET("/documents/:slug", s.document)
	e.GET("/documents/:slug/edit", s.editDocument, editor)
	e.POST("/documents/:slug/edit", s.reviseDocument, editor)
	e.POST("/documents/:slug/status", s.documentStatus, editor)
	e.GET("/documents/:slug/versions/:n", s.documentVersion)
	e.GET("/documents/:slug/diff", s.documentDiff)
	api.GET("/documents", s.apiDocuments)
	api.POST("/documents", s.apiCreateDocument, editor)
	api.GET("/documents/:slug", s.apiDocument)
	api.POST("/documents/:slug/versions", s.apiReviseDocument, editor)
	api.GET("/documents/:slug/versions/:n", s.apiDocumentVersion)

	api.GET("/search", s.apiSearch)

	// Consultations and comments: the JSON API, the downloads of approved
	// comments and the feeds. (/consultations/{slug}.atom is dispatched by
	// the consultation page's handler to s.consultationFeed, since echo's
	// :slug takes "x.atom" whole.) Clock-dependent, so nothing is cached.
	api.GET("/consultations", s.apiConsultations)
	api.POST("/consultations", s.apiCreateConsultation, editor)
	api.GET("/consultations/:slug", s.apiConsultation)
	api.PATCH("/consultations/:slug", s.apiPatchConsultation, editor)
	api.DELETE("/consultations/:slug", s.apiDeleteConsultation, editor)
	api.GET("/consultations/:slug/comments", s.apiComments)
	api.POST("/consultations/:slug/comments", s.apiPostComment, member)
	api.GET("/consultations/:slug/heat", s.apiHeat)
	api.GET("/consultations/:slug/stats", s.apiStats)
	api.GET("/comments/:id", s.apiComment)
	api.PATCH("/comments/:id", s.apiPatchComment, member)
	api.POST("/comments/:id/withdraw", s.apiWithdrawComment, member)
	api.POST("/comments/:id/moderation", s.apiModerateComment, editor)
	api.POST("/comments/:id/flags", s.apiFlagComment, member)
	e.GET("/consultations/:slug/comments.csv", s.commentsCSV)
	e.GET("/consultations/:slug/comments.json", s.commentsJSON)
	e.GET("/consultations.atom", s.consultationsFeed)

	// Consultation pages (reading) and the editors' consultation form.
	// These pages depend on the clock, so none is page-cached.
	e.GET("/consultations", s.consultations)
	e.GET("/consultations/new", s.newConsultation, editor)
	e.POST("/consultations/new", s.createConsultation, editor)
	e.GET("/consultations/:slug", s.consultation)
	e.GET("/consultations/:slug/edit", s.editConsultation, editor)
	e.POST("/consultations/:slug/edit", s.updateConsultation, editor)
	e.GET("/consultations/:slug/delete", s.confirmDeleteConsultation, editor)
	e.POST("/consultations/:slug/delete", s.deleteConsultation, editor)
	e.GET("/consultations/:slug/comments", s.commentsPage)
	e.GET("/consultations/:slug/comments/:id", s.commentPage)
	// Commenting and moderation (comments.go, moderation.go). Not page
	// cached: each page depends on the clock (the consultation's window)
	// and on the reader (their own comments, the form).
	e.GET("/consultations/:slug/paragraphs/:pid", s.paragraphPage)
	e.POST("/consultations/:slug/paragraphs/:pid", s.commentOnParagraph, member)
	e.GET("/consultations/:slug/comment", s.commentFormPage)
	e.POST("/consultations/:slug/comment", s.commentOnDocument, member)
	e.GET("/consultations/:slug/comments/:id/edit", s.editCommentPage, member)
	e.POST("/consultations/:slug/comments/:id/edit", s.editComment, member)
	e.GET("/consultations/:slug/comments/:id/withdraw", s.withdrawCommentPage, member)
	e.POST("/consultations/:slug/comments/:id/withdraw", s.withdrawComment, member)
	e.POST("/consultations/:slug/comments/:id/flag", s.flagComment, member)
	e.GET("/consultations/:slug/moderation", s.moderationQueue, editor)
	e.POST("/consultations/:slug/comments/:id/moderation", s.moderateFromQueue, editor)

	// The resolution table (resolution_table.go): public, since approved comments
	// and dispositions are; not page-cached, as each disposition changes it.
	// resolution.csv and .xlsx are literal segments beside :slug's pages.
	// Importing a filled table is for editors: upload and check, then apply
	// the staged changes by their token.
	e.GET("/consultations/:slug/resolution", s.resolutionPage)
	e.GET("/consultations/:slug/resolution.csv", s.resolutionCSV)
	e.GET("/consultations/:slug/resolution.xlsx", s.resolutionXLSX)
	e.GET("/consultations/:slug/resolution/import", s.resolutionImportPage, editor)
	e.POST("/consultations/:slug/resolution/import", s.resolutionImportUpload, editor)
	e.POST("/consultations/:slug/resolution/import/:token", s.resolutionImportApply, editor)
	e.GET("/account/comments", s.myComments, member)

	// Campaign groups (groups.go, api_groups.go): near-identical comments
	// moderated, answered and read as one, by editors; a comment can be
	// taken out of its group for good.
	e.GET("/consultations/:slug/groups/:id", s.groupPage, editor)
	e.POST("/consultations/:slug/groups/:id/moderation", s.moderateGroupForm, editor)
	e.POST("/consultations/:slug/groups/:id/disposition", s.disposeGroupForm, editor)
	e.POST("/consultations/:slug/comments/:id/ungroup", s.ungroupComment, editor)
	api.GET("/comment-groups/:id", s.apiGroup, editor)
	api.POST("/comment-groups/:id/moderation", s.apiModerateGroup, editor)
	api.PUT("/comment-groups/:id/disposition", s.apiDisposeGroup, editor)
	api.DELETE("/comments/:id/group", s.apiUngroupComment, editor)
	// Resolution (resolution.go, api_comments.go): the working group's
	// replies and dispositions, given by editors on a comment's page or
	// through the API; the history of dispositions is public once given.
	e.POST("/consultations/:slug/comments/:id/replies", s.replyFromPage, editor)
	e.POST("/consultations/:slug/comments/:id/disposition", s.disposeFromPage, editor)
	api.PUT("/comments/:id/disposition", s.apiDisposeComment, editor)
	api.POST("/comments/:id/replies", s.apiReplyToComment, editor)
	api.GET("/comments/:id/dispositions", s.apiDispositionHistory)

	// Members' workspace, the citation finder, account deletion and the
	// site's own pages (workspace.go, cite.go, account_delete.go,
	// site_pages.go). The workspace and the finder depend on the reader or
	// the search index, so neither is cached; the site pages depend on the
	// operator's settings and privacy file, read at each request.
	e.GET("/workspace", s.workspace, member)
	e.GET("/cite", s.citeFinder)
	e.GET("/account/delete", s.accountDeletePage, member)
	e.POST("/account/delete", s.deleteAccount, member)
	e.GET("/about", s.about)
	e.GET("/privacy", s.privacy)
	e.GET("/contact", s.contact)

	// Published outcomes (outcome_routes.go): public pages, downloads and
	// feeds of every edition; publishing is for editors.
	s.outcomeRoutes(e, api, editor)
}

// staticFiles serves the files of fsys, which browsers may keep for a day,
// and answers 404 for anything else, folders included: echo's own handler
// redirects a folder to its name with a trailing slash, which the
// trailing-slash rule redirects back, a loop.
func staticFiles(fsys fs.FS) echo.HandlerFunc {
	serve := echo.StaticDirectoryHandler(fsys, false)
	return func(c echo.Context) error {
		name, err := url.PathUnescape(c.Param("*"))
		if err != nil {
			return echo.ErrNotFound
		}
		// fs.ValidPath refuses dot and empty segments, so nothing climbs.
		name = strings.TrimPrefix(name, "/")
		if !fs.ValidPath(name) {
			return echo.ErrNotFound
		}
		if fi, err := fs.Stat(fsys, name); err != nil || fi.IsDir() {
			return echo.ErrNotFound
		}
		c.Response().Header().Set("Cache-Control", "public, max-age=86400")
		return serve(c)
	}
}

func (s *Server) healthz(c echo.Context) error {
	if err := s.db.Ping(c.Request().Context()); err != nil {
		s.log.Error("health check failed", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "not answering"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
