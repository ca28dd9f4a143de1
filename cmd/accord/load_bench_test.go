package main

import (
	"io"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
)

var rpsRE = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
var non2xxRE = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)

// wrkRPS loads url with wrk, a second process on loopback, and returns the
// requests per second it measured. Any non-2xx answer fails the benchmark.
func wrkRPS(b *testing.B, url string) float64 {
	b.Helper()
	out, err := exec.Command("wrk", "-t2", "-c16", "-d5s", "--latency", url).CombinedOutput()
	if err != nil {
		b.Fatalf("wrk %s: %v\n%s", url, err, out)
	}
	if m := non2xxRE.FindSubmatch(out); m != nil {
		b.Fatalf("wrk %s: %s answers were not 2xx\n%s", url, m[1], out)
	}
	m := rpsRE.FindSubmatch(out)
	if m == nil {
		b.Fatalf("wrk %s: no Requests/sec in\n%s", url, out)
	}
	rps, _ := strconv.ParseFloat(string(m[1]), 64)
	return rps
}

// staticServer serves body from a bare net/http handler, the baseline of
// DESIGN.md's page budget.
func staticServer(b *testing.B, body []byte) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	})}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// BenchmarkPagesVsStatic measures, with wrk, the requests per second of
// the policy list and a policy page served by the real `accord serve`
// (shipped content), each beside a bare net/http handler writing a static
// page of the same size, in the same run. The budget: at least half the
// static handler's rate. Needs wrk (Debian package wrk); skipped without it.
//
//	go test ./cmd/accord/ -run '^$' -bench PagesVsStatic -benchtime 1x
func BenchmarkPagesVsStatic(b *testing.B) {
	if _, err := exec.LookPath("wrk"); err != nil {
		b.Skip("wrk is not installed (apt-get install wrk)")
	}
	base := startServer(b)
	for _, path := range []string{"policies", "policies/uk-psti-act-2022", "policies?jurisdiction=US&sort=newest"} {
		resp, err := http.Get(base + path)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		static := staticServer(b, body)
		b.Run(path, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				app := wrkRPS(b, base+path)
				bare := wrkRPS(b, static)
				b.ReportMetric(app, "app-req/s")
				b.ReportMetric(bare, "static-req/s")
				b.ReportMetric(app/bare, "ratio")
				b.Logf("%s (%d bytes): accord %.0f req/s, static %.0f req/s, ratio %.2f", path, len(body), app, bare, app/bare)
			}
		})
	}
}
