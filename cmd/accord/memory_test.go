package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestOversizedAnonymousPOSTsStaySmall is issue 14's memory check, done
// from outside as the audit did it: 150 clients at once POST a 7.6 MB form
// field, without a CSRF cookie, to /register, /login and a comment route of
// the real server, a separate process; its peak resident memory (VmHWM)
// stays under 300 MB, and no answer echoes the field back. Runs in the
// browser stage (ACCORD_E2E=1): it builds the binary and moves a gigabyte
// over loopback.
func TestOversizedAnonymousPOSTsStaySmall(t *testing.T) {
	requireE2E(t)
	bin := buildAccord(t)
	srv := startChild(t, bin, t.TempDir())
	pid := srv.cmd.Process.Pid
	base := strings.TrimSuffix(srv.base, "/")

	field := strings.Repeat("A", 7_600_000)
	body := url.Values{"email": {field + "@example.org"}, "name": {field}, "password": {"x"}}.Encode()
	paths := []string{"/register", "/login", "/consultations/any/comment"}
	client := newLoadClient(150)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	var echoed, failed int
	for i := 0; i < 150; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			resp, err := client.Post(base+paths[i%len(paths)], "application/x-www-form-urlencoded", strings.NewReader(body))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				// A server may close the connection on a body it refuses
				// before reading it; that is an answer too.
				failed++
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			statuses[resp.StatusCode]++
			if strings.Contains(string(b), strings.Repeat("A", 100_000)) {
				echoed++
			}
		}(i)
	}
	wg.Wait()
	// The server must still answer, and say how large it grew.
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("after the flood, /healthz: %v %v\n%s", resp, err, srv.stderr())
	}
	resp.Body.Close()
	peak, err := procMemory(pid, "VmHWM")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("150 oversized anonymous POSTs: statuses %v, %d connections closed early; peak resident %d MB", statuses, failed, peak>>20)
	if peak >= 300<<20 {
		t.Errorf("peak resident memory %d MB, want under 300 MB", peak>>20)
	}
	if echoed > 0 {
		t.Errorf("%d answers echoed the oversized field back", echoed)
	}
	for status := range statuses {
		if status < 400 {
			t.Errorf("an oversized anonymous POST got %d, want a refusal", status)
		}
	}
}

// procMemory reads one of the memory lines of /proc/PID/status ("VmRSS",
// "VmHWM"), in bytes.
func procMemory(pid int, name string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read memory of process %d: %w", pid, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != name {
			continue
		}
		fields := strings.Fields(v) // "123456 kB"
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("process %d: unexpected %s line %q", pid, name, sc.Text())
		}
		n, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("process %d: %s: %w", pid, name, err)
		}
		return n << 10, nil
	}
	return 0, fmt.Errorf("process %d: no %s line", pid, name)
}
