package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestServeRequireMFAFlag(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
		stderr  string
	}{
		{"help names the flag and its variable", []string{"serve", "--help"}, nil, "flag: help requested", "ACCORD_REQUIRE_MFA"},
		{"a value that is not a boolean", []string{"serve"}, map[string]string{"ACCORD_REQUIRE_MFA": "maybe"}, `ACCORD_REQUIRE_MFA: want true or false (1 or 0), got "maybe"`, ""},
		{"a flag that is not a boolean", []string{"serve", "--require-mfa=sometimes"}, nil, "invalid boolean value", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append(tt.args, "--data", t.TempDir())
			err := run(context.Background(), args, func(k string) string { return tt.env[k] }, strings.NewReader(""), &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("run(%q) = %v, want an error containing %q", args, err, tt.wantErr)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr.String())
			}
		})
	}
}
