package search

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dc-isss/accord/store"
)

// BenchmarkServeMemory measures the resident memory of a real `accord
// serve` process holding the 100,000-record synthetic corpus: it writes the
// corpus to a fresh data folder through store.SavePolicies, builds the
// binary, starts it on a loopback port, waits until its search index is
// built (search answers 200 instead of 503), serves the benchmark's query
// set over HTTP a few times (a few hundred searches), and reads VmRSS and
// VmHWM from /proc/PID/status. It takes minutes, so it runs only with
// ACCORD_BENCH_SERVE=1:
//
//	ACCORD_BENCH_SERVE=1 go test ./search/ -run '^$' -bench BenchmarkServeMemory -benchtime 1x -timeout 30m
//
// ACCORD_BENCH_RECORDS changes the corpus size.
func BenchmarkServeMemory(b *testing.B) {
	if os.Getenv("ACCORD_BENCH_SERVE") != "1" {
		b.Skip("set ACCORD_BENCH_SERVE=1 to measure a real server's memory")
	}
	records := 100_000
	if s := os.Getenv("ACCORD_BENCH_RECORDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("ACCORD_BENCH_RECORDS=%q: %v", s, err)
		}
		records = n
	}
	ctx := context.Background()
	dir := b.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(data, "accord.db"))
	if err != nil {
		b.Fatal(err)
	}
	if err := seedCorpus(ctx, db, records); err != nil {
		b.Fatal(err)
	}
	queries := benchQueries(db, ctx)
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}

	bin := filepath.Join(dir, "accord")
	build := exec.Command("go", "build", "-o", bin, "github.com/dc-isss/accord/cmd/accord")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		b.Fatalf("build accord: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	srv := exec.Command(bin, "serve", "--data", data, "--addr", addr)
	srv.Stdout, srv.Stderr = io.Discard, io.Discard
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = srv.Process.Signal(os.Interrupt)
		_ = srv.Wait()
	}()

	start := time.Now()
	base := "http://" + addr + "/api/v1/search?q="
	for {
		status, err := get(base + "security")
		if err == nil && status == http.StatusOK {
			break
		}
		if time.Since(start) > 10*time.Minute {
			b.Fatalf("the server's index was not ready after %v: status %d, %v", time.Since(start), status, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	ready := time.Since(start)

	searches := 0
	for range 2 {
		for _, bq := range queries {
			for _, q := range bq.queries {
				u := base + url.QueryEscape(q.Q)
				for name, vals := range q.Filters {
					for _, v := range vals {
						u += "&" + name + "=" + url.QueryEscape(v)
					}
				}
				status, err := get(u)
				if err != nil || status != http.StatusOK {
					b.Fatalf("GET %s: status %d, %v", u, status, err)
				}
				searches++
			}
		}
	}
	rss, hwm := procMB(b, srv.Process.Pid, "VmRSS"), procMB(b, srv.Process.Pid, "VmHWM")
	b.Logf("%d records: index ready after %v; %d searches served; VmRSS %.0f MB, VmHWM %.0f MB",
		records, ready.Round(time.Second), searches, rss, hwm)
	b.ReportMetric(rss, "rss-MB")
	b.ReportMetric(hwm, "peak-rss-MB")
	b.ReportMetric(ready.Seconds(), "s-to-ready")
}

func get(u string) (int, error) {
	res, err := http.Get(u)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, err = io.Copy(io.Discard, res.Body)
	return res.StatusCode, err
}

// procMB reads a memory line (VmRSS, VmHWM) of /proc/PID/status, in MB.
func procMB(b *testing.B, pid int, key string) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err != nil {
				b.Fatalf("%s in /proc/%d/status: %v", key, pid, err)
			}
			return kb / 1024
		}
	}
	b.Fatalf("no %s in /proc/%d/status", key, pid)
	return 0
}
