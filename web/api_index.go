package web

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/dc-isss/accord/web/views"
	"github.com/labstack/echo/v4"
	"go.yaml.in/yaml/v3"
)

// openAPIYAML is the OpenAPI 3.1 description of /api/v1, written by hand
// beside the handlers: a route added to the router is added there too
// (TestOpenAPICoversRouter fails naming what is missing), and the tests
// check real answers against it.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// openAPIPath is where the document is served, as JSON.
const openAPIPath = "/api/v1/openapi.json"

// apiEndpoint is one line of the index at GET /api/v1.
type apiEndpoint struct {
	Method  string `json:"method"`
	Path    string `json:"path"`
	Summary string `json:"summary"`
}

// apiIndexJSON is the answer of GET /api/v1.
type apiIndexJSON struct {
	OpenAPI       string        `json:"openapi"`
	Documentation string        `json:"documentation"`
	Endpoints     []apiEndpoint `json:"endpoints"`
}

// apiDescription is the OpenAPI document made ready to serve: as JSON,
// and the index of its operations.
type apiDescription struct {
	json      []byte
	endpoints []apiEndpoint
	// paths match a request's path to the methods documented for it.
	paths []docPath
}

// docPath is a documented path, {name} parameters matching one segment.
type docPath struct {
	re      *regexp.Regexp
	methods []string
}

// docPathParam is a {name} of a documented path.
var docPathParam = regexp.MustCompile(`\\\{[^/]+\\\}`)

// methodOrder orders an index's operations of one path.
var methodOrder = []string{"get", "post", "put", "patch", "delete"}

// loadAPIDescription reads the embedded OpenAPI document once, when the
// server is built, so that each request only copies bytes.
func loadAPIDescription() (apiDescription, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(openAPIYAML, &doc); err != nil {
		return apiDescription{}, fmt.Errorf("read openapi.yaml: %w", err)
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return apiDescription{}, fmt.Errorf("openapi.yaml as JSON: %w", err)
	}
	paths, _ := doc["paths"].(map[string]any)
	var out []apiEndpoint
	for path, item := range paths {
		ops, _ := item.(map[string]any)
		for _, m := range methodOrder {
			op, ok := ops[m].(map[string]any)
			if !ok {
				continue
			}
			summary, _ := op["summary"].(string)
			out = append(out, apiEndpoint{Method: strings.ToUpper(m), Path: path, Summary: summary})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return slices.Index(methodOrder, strings.ToLower(out[i].Method)) < slices.Index(methodOrder, strings.ToLower(out[j].Method))
	})
	d := apiDescription{json: js, endpoints: out}
	for _, ep := range out {
		expr := "^" + docPathParam.ReplaceAllString(regexp.QuoteMeta(ep.Path), "[^/]+") + "$"
		if n := len(d.paths); n > 0 && d.paths[n-1].re.String() == expr {
			d.paths[n-1].methods = append(d.paths[n-1].methods, ep.Method)
			continue
		}
		d.paths = append(d.paths, docPath{re: regexp.MustCompile(expr), methods: []string{ep.Method}})
	}
	return d, nil
}

// apiIndex answers GET /api/v1: every endpoint, from the OpenAPI document.
func (s *Server) apiIndex(c echo.Context) error {
	if s.apiDoc.json == nil {
		return fmt.Errorf("the API description: %w", s.apiDocErr)
	}
	return c.JSON(http.StatusOK, apiIndexJSON{OpenAPI: openAPIPath, Documentation: "/api", Endpoints: s.apiDoc.endpoints})
}

// apiOpenAPI answers GET /api/v1/openapi.json.
func (s *Server) apiOpenAPI(c echo.Context) error {
	if s.apiDoc.json == nil {
		return fmt.Errorf("the API description: %w", s.apiDocErr)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.JSONBlob(http.StatusOK, s.apiDoc.json)
}

// apiNoRoute answers any address under /api/v1 that names no endpoint:
// a 405 naming the methods the path has, or else a JSON 404 that says
// which address, and where the list is.
func (s *Server) apiNoRoute(c echo.Context) error {
	path := c.Request().URL.Path
	for _, p := range s.apiDoc.paths {
		if p.re.MatchString(path) {
			allow := strings.Join(p.methods, ", ")
			c.Response().Header().Set(echo.HeaderAllow, allow)
			return &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
				Message: fmt.Sprintf("%s does not take %s; it takes %s.", path, c.Request().Method, allow)}
		}
	}
	return &Error{Status: http.StatusNotFound, Code: "not_found",
		Message: fmt.Sprintf("No endpoint at %s %s; GET /api/v1 lists them.", c.Request().Method, c.Request().URL.Path)}
}

// apiPage answers /api: the API explained for people, with the list of
// endpoints from the same document as the index.
func (s *Server) apiPage(c echo.Context) error {
	if s.apiDoc.json == nil {
		return fmt.Errorf("the API description: %w", s.apiDocErr)
	}
	p := views.APIPage{Base: s.base(c, "API"), Origin: s.absURL(c, ""), OpenAPI: openAPIPath}
	p.Description = "The JSON API of Accord: endpoints, tokens, conventions and examples."
	for _, ep := range s.apiDoc.endpoints {
		p.Endpoints = append(p.Endpoints, views.APIEndpoint(ep))
	}
	return s.render(c, http.StatusOK, views.APIView(p))
}
