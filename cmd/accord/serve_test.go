package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// apiTotal asks a running server how many policies it holds, and how many
// mappings the PSTI Act has.
func apiTotal(t *testing.T, base string) (policies, mappings int) {
	t.Helper()
	var list struct {
		Total int `json:"total"`
	}
	getJSON(t, base+"api/v1/policies", &list)
	var p struct {
		Mappings []json.RawMessage `json:"mappings"`
	}
	getJSON(t, base+"api/v1/policies/uk-psti-act-2022", &p)
	return list.Total, len(p.Mappings)
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", url, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// TestServeRestartKeepsData starts the real program twice on one data
// folder: the second start loads nothing again and duplicates nothing.
func TestServeRestartKeepsData(t *testing.T) {
	data := t.TempDir()
	for i := range 2 {
		t.Run([]string{"first start", "restart"}[i], func(t *testing.T) {
			base := startServer(t, data)
			policies, mappings := apiTotal(t, base)
			if policies != 194 || mappings != 3 {
				t.Errorf("got %d policies and %d PSTI mappings, want 194 and 3", policies, mappings)
			}
			res, err := http.Get(base + "healthz")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Errorf("healthz status %d", res.StatusCode)
			}
		})
	}
}

func TestRunArguments(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
		stdout  []string
		stderr  []string
	}{
		{"no command", nil, "no command given", []string{"accord serve"}, nil},
		{"help", []string{"--help"}, "", []string{"accord serve", "ACCORD_DATA"}, nil},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`, nil, nil},
		{"serve help names every flag and its variable", []string{"serve", "--help"}, "flag: help requested", nil,
			[]string{"-addr", "ACCORD_ADDR", "-data", "ACCORD_DATA", "-log-level", "ACCORD_LOG_LEVEL"}},
		{"serve with an argument", []string{"serve", "extra"}, "serve takes no arguments", nil, nil},
		{"serve with a bad log level", []string{"serve", "--log-level", "loud"}, "--log-level", nil, nil},
		{"serve on a bad address", []string{"serve", "--data", "", "--addr", "256.0.0.1:bad"}, "listen on 256.0.0.1:bad", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.name == "serve on a bad address" {
				args[2] = t.TempDir()
			}
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("run(%q) = %v, want no error", args, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("run(%q) = %v, want an error containing %q", args, err, tt.wantErr)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
		})
	}
}

// TestFlagsAfterArguments checks that flags may follow positional
// arguments, as DESIGN.md promises for every subcommand.
func TestFlagsAfterArguments(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantPos  []string
		wantData string
	}{
		{"flags first", []string{"--data", "/srv/a", "x.csv"}, []string{"x.csv"}, "/srv/a"},
		{"flags last", []string{"x.csv", "--data", "/srv/a"}, []string{"x.csv"}, "/srv/a"},
		{"flags between", []string{"x.csv", "--data=/srv/a", "y.csv"}, []string{"x.csv", "y.csv"}, "/srv/a"},
		{"no flags", []string{"x.csv", "y.csv"}, []string{"x.csv", "y.csv"}, "./data"},
		{"after --", []string{"--", "--data"}, []string{"--data"}, "./data"},
		{"after -- past an argument", []string{"x.csv", "--", "a", "--data", "z"}, []string{"x.csv", "a", "--data", "z"}, "./data"},
		{"after -- past a flag", []string{"--data", "/srv/a", "--", "-b"}, []string{"-b"}, "/srv/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &env{getenv: func(string) string { return "" }, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
			fs, data := newFlags(e, "import", "import FILE...")
			pos, err := parse(fs, tt.args)
			if err != nil {
				t.Fatalf("parse(%q): %v", tt.args, err)
			}
			if strings.Join(pos, " ") != strings.Join(tt.wantPos, " ") || *data != tt.wantData {
				t.Errorf("parse(%q) = %q with --data %q, want %q with %q", tt.args, pos, *data, tt.wantPos, tt.wantData)
			}
		})
	}
}

func TestEnvironmentTwins(t *testing.T) {
	e := &env{getenv: func(k string) string {
		return map[string]string{"ACCORD_DATA": "/from/env"}[k]
	}, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	fs, data := newFlags(e, "serve", "serve")
	if _, err := parse(fs, nil); err != nil {
		t.Fatal(err)
	}
	if *data != "/from/env" {
		t.Errorf("--data from ACCORD_DATA = %q, want /from/env", *data)
	}
	fs, data = newFlags(e, "serve", "serve")
	if _, err := parse(fs, []string{"--data", "/from/flag"}); err != nil {
		t.Fatal(err)
	}
	if *data != "/from/flag" {
		t.Errorf("--data with ACCORD_DATA set = %q, want the flag's /from/flag", *data)
	}
}

// TestServeMetricsAddr runs the real program with --metrics-addr: the
// metrics are on their own listener and the main one has no /metrics.
func TestServeMetricsAddr(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	noEnv := func(string) string { return "" }
	go func() {
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--data", t.TempDir()},
			noEnv, strings.NewReader(""), pw, io.Discard)
		pw.CloseWithError(fmt.Errorf("accord serve returned: %v", err))
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("accord serve: %v", err)
		}
	})
	metricsRE := regexp.MustCompile(`Metrics are served at (http://\S+/metrics)`)
	var metricsURL, base string
	sc := bufio.NewScanner(pr)
	for base == "" && sc.Scan() {
		if m := metricsRE.FindStringSubmatch(sc.Text()); m != nil {
			metricsURL = m[1]
		}
		if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" || metricsURL == "" {
		t.Fatalf("accord serve printed no addresses: main %q, metrics %q (%v)", base, metricsURL, sc.Err())
	}
	status := func(url string) (int, string) {
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := status(metricsURL); code != http.StatusOK || !strings.Contains(body, "go_goroutines") {
		t.Errorf("GET %s: %d, want 200 with the metrics", metricsURL, code)
	}
	if code, _ := status(base + "metrics"); code != http.StatusNotFound {
		t.Errorf("GET %smetrics on the main listener from loopback: %d, want 404", base, code)
	}
}
