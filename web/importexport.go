package web

import (
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/dc-isss/accord/content"
	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
)

// maxUpload bounds one import upload, all its files together.
const maxUpload = content.MaxImportFile

func (s *Server) importPage(c echo.Context) error {
	return s.render(c, http.StatusOK, views.ImportView(views.ImportPage{Base: s.noindex(c, "Import policies"),
		Form: views.NewForm("file"), MaxMB: maxUpload >> 20}))
}

func tooLarge() *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
		Message: fmt.Sprintf("The upload is larger than %d MB. Split it into smaller files; nothing was imported.", maxUpload>>20)}
}

func (s *Server) importUpload(c echo.Context) error {
	// Multipart framing adds a little to the files' own size.
	if c.Request().ContentLength > maxUpload+64<<10 {
		return tooLarge()
	}
	form, err := c.MultipartForm()
	if err != nil {
		return badRequest("file", "The upload could not be read; choose the files again.")
	}
	files := form.File["file"]
	page := views.ImportPage{Base: s.noindex(c, "Import policies"), Form: views.NewForm("file"), MaxMB: maxUpload >> 20}
	var total int64
	for _, fh := range files {
		total += fh.Size
	}
	if total > maxUpload {
		return tooLarge()
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
		b, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
		f.Close()
		if err != nil {
			return err
		}
		rep, err := content.Import(ctx, s.db, fh.Filename, b)
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
