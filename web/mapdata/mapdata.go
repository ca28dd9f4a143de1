// Package mapdata holds the world map that /map draws: country outlines
// from Natural Earth (public domain), already projected into SVG paths by
// content/gen/worldmap.mjs, so that the server only copies them into the
// page.
package mapdata

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"strings"
)

//go:embed countries.tsv
var countriesTSV []byte

// Country is one shape of the map.
type Country struct {
	Code string // ISO 3166-1 alpha-2 (XK for Kosovo)
	Name string
	Path string // SVG path data in the map's coordinates
}

// World is the whole map: its SVG view box and its countries by code.
type World struct {
	ViewBox   string
	Countries []Country
}

var (
	codeRE = regexp.MustCompile(`^[A-Z]{2}$`)
	pathRE = regexp.MustCompile(`^[Mmlz0-9, -]+$`)
	viewRE = regexp.MustCompile(`^0 0 [0-9]+ [0-9]+$`)
)

// Load parses the embedded map.
func Load() (World, error) {
	return Parse(countriesTSV)
}

// Parse reads the format worldmap.mjs writes: comment lines starting with
// #, one "viewBox<TAB>0 0 W H" line, then "CODE<TAB>Name<TAB>path" lines.
// It checks each path's alphabet, because the paths reach the page as
// attribute values.
func Parse(b []byte) (World, error) {
	var w World
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		switch {
		case len(f) == 2 && f[0] == "viewBox" && viewRE.MatchString(f[1]):
			w.ViewBox = f[1]
		case len(f) == 3 && codeRE.MatchString(f[0]) && f[1] != "" && pathRE.MatchString(f[2]):
			if seen[f[0]] {
				return World{}, fmt.Errorf("world map line %d: %s appears twice", n, f[0])
			}
			seen[f[0]] = true
			w.Countries = append(w.Countries, Country{Code: f[0], Name: f[1], Path: f[2]})
		default:
			return World{}, fmt.Errorf("world map line %d: want viewBox or CODE, name and path separated by tabs", n)
		}
	}
	if err := sc.Err(); err != nil {
		return World{}, fmt.Errorf("read world map: %w", err)
	}
	if w.ViewBox == "" || len(w.Countries) == 0 {
		return World{}, fmt.Errorf("world map has no view box or no country")
	}
	return w, nil
}
