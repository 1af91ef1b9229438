package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// outcome is what one run of the command left behind.
type outcome struct {
	code           int
	stdout, stderr string
}

// runCLI runs the command in-process, as main would, with env as the
// whole environment and stdin as standard input.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) outcome {
	t.Helper()
	return runCLIContext(context.Background(), t, env, stdin, args...)
}

func runCLIContext(ctx context.Context, t *testing.T, env map[string]string, stdin string, args ...string) outcome {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code := run(ctx, args, strings.NewReader(stdin), &stdout, &stderr, getenv)
	return outcome{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// envFor is a complete environment for logging in to baseURL.
func envFor(baseURL string) map[string]string {
	return map[string]string{
		envBaseURL:  baseURL,
		envToken:    testToken,
		envEmail:    testEmail,
		envPassword: testPassword,
	}
}

// with returns a copy of env with the changes applied; an empty value
// removes the variable.
func with(env map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(env))
	for k, v := range env {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(out, kv[i])
		} else {
			out[kv[i]] = kv[i+1]
		}
	}
	return out
}

// decodeOne decodes stdout as exactly one JSON object and nothing else.
func decodeOne(t *testing.T, stdout string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	var obj map[string]any
	require.NoError(t, dec.Decode(&obj), "stdout is not a JSON object: %q", stdout)
	require.NotNil(t, obj, "stdout is JSON null")
	var extra any
	require.ErrorIs(t, dec.Decode(&extra), io.EOF, "stdout holds more than one JSON value: %q", stdout)
	return obj
}

// errorOf returns the "error" member of a failure object.
func errorOf(t *testing.T, obj map[string]any) map[string]any {
	t.Helper()
	e, ok := obj["error"].(map[string]any)
	require.True(t, ok, "no error object in %v", obj)
	return e
}
