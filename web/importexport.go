package web

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

func (s *Server) importPage(c echo.Context) error {
	return s.render(c, http.StatusOK, views.ImportView(views.ImportPage{Base: s.noindex(c, "Import policies"),
		Form: views.NewForm("file"), MaxMB: int(s.uploadLimit >> 20)}))
}

// tooLarge refuses an upload over limit (--upload-limit, the same setting
// as the body limit of the import routes).
func tooLarge(limit int64) *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
		Message: fmt.Sprintf("The upload is larger than %s. Split it into smaller files; nothing was imported.", sizeText(limit))}
}

// sizeText words a byte count for a message: whole megabytes when it is
// one, else kilobytes.
func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", (n+1023)>>10)
}

func (s *Server) importUpload(c echo.Context) error {
	// Multipart framing adds a little to the files' own size.
	maxUpload := s.uploadLimit
	if c.Request().ContentLength > maxUpload+64<<10 {
		return tooLarge(maxUpload)
	}
	form, err := c.MultipartForm()
	if err != nil {
		return badRequest("file", "The upload could not be read; choose the files again.")
	}
	files := form.File["file"]
	page := views.ImportPage{Base: s.noindex(c, "Import policies"), Form: views.NewForm("file"), MaxMB: int(maxUpload >> 20)}
	var total int64
	for _, fh := range files {
		total += fh.Size
	}
	if total > maxUpload {
		return tooLarge(maxUpload)
	}
	if len(files) == 0 {
		page.Form.Errors["file"] = "Choose at least one .csv, .json, .md or .zip file"
		return s.render(c, unprocessable, views.ImportView(page))
	}
	ctx := actorCtx(c)
	status := http.StatusOK
	for _, fh := range files {
		f, err := fh.Open()
		if err != nil {
			return err
		}
		// A part is a file on disk or bytes in memory, read twice by the
		// streaming import (check, then write) and never copied whole.
		rep, err := content.ImportFrom(ctx, s.db, fh.Filename, f, fh.Size, content.ImportOptions{})
		f.Close()
		if err != nil {
			return err
		}
		if rep.Rejected {
			status = unprocessable
		} else if err := s.db.RecordEvent(ctx, "policy.import", "file/"+fh.Filename,
			fmt.Sprintf("%d created, %d updated, %d unchanged", len(rep.Created), len(rep.Updated), len(rep.Unchanged))); err != nil {
			// The workspace lists imports from these events.
			return err
		}
		page.Reports = append(page.Reports, importReport(rep))
	}
	return s.render(c, status, views.ImportView(page))
}

func importReport(r content.FileReport) views.ImportReport {
	out := views.ImportReport{File: r.File, Rejected: r.Rejected, Created: r.Created, Updated: r.Updated, Unchanged: r.Unchanged}
	for _, p := range r.Problems {
		out.Problems = append(out.Problems, views.ImportProblem{Line: p.Line, Field: p.Field, Message: p.Message})
	}
	return out
}

// export sends every policy as a download. The knowledge base is public,
// so anyone may download it.
func (s *Server) export(c echo.Context) error {
	format := c.QueryParam("format")
	if format == "" {
		format = "json"
	}
	if !slices.Contains(content.ExportFormats, format) {
		return badRequest("format", "format must be json, csv or markdown")
	}
	ps, err := s.db.AllPolicies(c.Request().Context())
	if err != nil {
		return err
	}
	name, ctype := "accord-policies-"+s.now().Format("2006-01-02"), ""
	switch format {
	case "json":
		name, ctype = name+".json", "application/json; charset=utf-8"
	case "csv":
		name, ctype = name+".csv", "text/csv; charset=utf-8; header=present"
	default:
		name, ctype = name+"-markdown.zip", "application/zip"
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, ctype)
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-cache")
	c.Response().WriteHeader(http.StatusOK)
	return content.Export(c.Response(), ps, format)
}
