package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// handBuilt are the path literals that begin a page's address: web owns
// URLs, and each is built in one place, the helpers of web/views
// (views.PolicyURL, views.OutcomeURL, views.EditionURL, ...), so that
// escaping and shape never drift apart.
var handBuilt = []string{"/policies/", "/documents/", "/consultations/", "/outcomes/", "/frameworks/", "/editions/", "/topics/"}

// urlExceptions are files allowed to join those literals, and why.
var urlExceptions = map[string]string{}

// TestURLsBuiltByViewsHelpers fails when a handler joins a page path by
// hand ("/outcomes/" + slug) instead of calling the views helper.
func TestURLsBuiltByViewsHelpers(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || urlExceptions[name] != "" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			b, ok := n.(*ast.BinaryExpr)
			if !ok || b.Op != token.ADD {
				return true
			}
			for _, side := range []ast.Expr{b.X, b.Y} {
				lit, ok := side.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				v, err := strconv.Unquote(lit.Value)
				if err != nil {
					continue
				}
				for _, p := range handBuilt {
					if strings.HasPrefix(v, p) {
						t.Errorf("%s: got %s joined by hand, want the views URL helper", fset.Position(lit.Pos()), lit.Value)
					}
				}
			}
			return true
		})
	}
}
