package main

import (
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	loremup "github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

func TestJSON_LoginSuccessShape(t *testing.T) {
	srv := newFake(t)
	file := filepath.Join(t.TempDir(), "ada.session")

	got := runCLI(t, envFor(srv.URL), "", "login", "--session-file", file, "--json")

	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Equal(t, map[string]any{
		"ok": true, "command": "login", "email": testEmail,
		"cookies": []any{cookieName}, "session_file": file,
	}, decodeOne(t, got.stdout))
	assert.Empty(t, got.stderr)
}

func TestJSON_LoginWithoutSessionFileHasNullSessionFile(t *testing.T) {
	srv := newFake(t)

	got := runCLI(t, envFor(srv.URL), "", "login", "--json")

	require.Equal(t, exitOK, got.code, got.stderr)
	obj := decodeOne(t, got.stdout)
	assert.Contains(t, obj, "session_file")
	assert.Nil(t, obj["session_file"])
}

func TestJSON_LogoutSuccessShape(t *testing.T) {
	srv := newFake(t)
	file := filepath.Join(t.TempDir(), "ada.session")
	require.Equal(t, exitOK, runCLI(t, envFor(srv.URL), "", "login", "--session-file", file).code)

	got := runCLI(t, envFor(srv.URL), "", "logout", "--session-file", file, "--json")

	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Equal(t, map[string]any{
		"ok": true, "command": "logout", "email": testEmail, "cookies": []any{cookieName},
		"session_file": file, "session_file_removed": true,
	}, decodeOne(t, got.stdout))
}

func TestJSON_LogoutWithoutSessionFileShape(t *testing.T) {
	srv := newFake(t)

	got := runCLI(t, envFor(srv.URL), "", "logout", "--json")

	require.Equal(t, exitUsage, got.code, got.stderr)
	obj := decodeOne(t, got.stdout)
	assert.Equal(t, false, obj["ok"])
	assert.InDelta(t, exitUsage, obj["exit_code"], 0)
	assert.Equal(t, "--session-file", errorOf(t, obj)["field"])
	assert.Contains(t, errorOf(t, obj)["message"], "missing --session-file")
}

func TestJSON_StatusShape(t *testing.T) {
	srv := newFake(t)
	file := filepath.Join(t.TempDir(), "ada.session")
	before := time.Now().Truncate(time.Second)
	require.Equal(t, exitOK, runCLI(t, envFor(srv.URL), "", "login", "--session-file", file).code)

	got := runCLI(t, nil, "", "status", "--session-file", file, "--json")

	require.Equal(t, exitOK, got.code, got.stderr)
	obj := decodeOne(t, got.stdout)
	at, err := time.Parse(time.RFC3339, obj["logged_in_at"].(string))
	require.NoError(t, err)
	assert.WithinRange(t, at, before, time.Now())
	delete(obj, "logged_in_at")
	assert.Equal(t, map[string]any{
		"ok": true, "command": "status", "session_file": file, "email": testEmail, "base_url": srv.URL,
		"cookies": []any{cookieName}, "live": true,
	}, obj)
}

func TestJSON_VersionShape(t *testing.T) {
	got := runCLI(t, nil, "", "version", "--json")

	require.Equal(t, exitOK, got.code)
	obj := decodeOne(t, got.stdout)
	assert.Equal(t, true, obj["ok"])
	assert.Equal(t, "version", obj["command"])
	assert.Equal(t, loremup.Version, obj["version"])
	assert.NotEmpty(t, obj["go"])
}

// Every failure is one JSON object on stdout with ok false, the command,
// the exit code and the error's details, and nothing on stderr.
func TestJSON_ErrorShapeOfEachFailureClass(t *testing.T) {
	twoFieldErrors := func(srv *loremuptest.Server) {
		srv.Inject(1, loremuptest.Fault{Status: http.StatusUnprocessableEntity, Body: `{"errors":[` +
			`{"status":"422","code":"blank","title":"Unprocessable Entity","detail":"email can't be blank","source":{"pointer":"/form/email"}},` +
			`{"status":"422","code":"blank","title":"Unprocessable Entity","detail":"password can't be blank","source":{"pointer":"/form/password"}}]}`})
	}
	tests := []struct {
		name      string
		fault     fault
		env       map[string]string // replaces variables of envFor
		args      []string
		wantCode  int
		wantError map[string]any // members of "error" besides "message" and "request_id"; exact
		message   string         // a part of error.message
	}{
		{
			name: "usage: missing e-mail", args: []string{"login", "--email", ""},
			wantCode: exitUsage, wantError: map[string]any{"field": "--email"}, message: "missing e-mail",
		},
		{
			name: "usage: input the SDK refuses", args: []string{"login", "--base-url", "http://example.com"},
			wantCode: exitUsage, wantError: map[string]any{"field": "--base-url"}, message: "--insecure-http",
		},
		{
			name: "usage: unknown flag", args: []string{"logout", "--frob"},
			wantCode: exitUsage, wantError: map[string]any{}, message: "--frob",
		},
		{
			name: "unauthorized", env: map[string]string{envPassword: "wrong-password"}, args: []string{"login"},
			wantCode: exitUnauthorized, message: "401 Unauthorized",
			wantError: map[string]any{
				"status": 401.0, "code": "invalid_credentials", "title": "Unauthorized",
				"detail": "e-mail or password is not known", "attempts": 1.0,
			},
		},
		{
			name: "not acceptable", args: []string{"login", "--form-name", "nope"},
			wantCode: exitNotAccepted, message: "406 Not Acceptable",
			wantError: map[string]any{
				"status": 406.0, "code": "unknown_form_name", "title": "Not Acceptable",
				"detail": "form_name names no form configuration of this operation", "pointer": "/form_name",
				"attempts": 1.0,
			},
		},
		{
			name: "validation", args: []string{"login", "--email", "not-an-address"},
			wantCode: exitInvalid, message: "422 Unprocessable Entity",
			wantError: map[string]any{
				"status": 422.0, "code": "invalid", "title": "Unprocessable Entity",
				"detail": "email is not a valid address", "pointer": "/form/email",
				"attempts": 1.0,
			},
		},
		{
			name: "validation with two error objects", fault: twoFieldErrors, args: []string{"login"},
			wantCode: exitInvalid, message: "(and 1 more)",
			wantError: map[string]any{
				"status": 422.0, "code": "blank", "title": "Unprocessable Entity",
				"detail": "email can't be blank", "pointer": "/form/email",
				"attempts": 1.0,
				"errors": []any{
					map[string]any{"status": "422", "code": "blank", "title": "Unprocessable Entity", "detail": "email can't be blank", "pointer": "/form/email"},
					map[string]any{"status": "422", "code": "blank", "title": "Unprocessable Entity", "detail": "password can't be blank", "pointer": "/form/password"},
				},
			},
		},
		{
			name: "network: retries exhausted", fault: always(http.StatusServiceUnavailable), args: []string{"login", "--max-retries", "2"},
			wantCode: exitNetwork, message: "after 3 attempts",
			wantError: map[string]any{
				"status": 503.0, "code": "injected_fault", "title": "Service Unavailable", "detail": "this answer was injected by the test",
				"attempts": 3.0,
			},
		},
		{
			name: "network: retry budget spent", fault: always(http.StatusServiceUnavailable), args: []string{"login", "--max-retries", "50"},
			wantCode: exitNetwork, message: "retry budget exhausted",
			wantError: map[string]any{
				"status": 503.0, "code": "injected_fault", "title": "Service Unavailable", "detail": "this answer was injected by the test",
				"attempts": 11.0, "retry_budget_exhausted": true,
			},
		},
		{
			name: "other: redirect", fault: redirect, args: []string{"login"},
			wantCode: exitOther, message: "302 Found",
			wantError: map[string]any{
				"status": 302.0, "location": "/users/sign_in", "attempts": 1.0,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			if tt.fault != nil {
				tt.fault(srv)
			}
			env := envFor(srv.URL)
			for k, v := range tt.env {
				env[k] = v
			}

			got := runCLI(t, env, "", append(tt.args, "--json")...)

			require.Equal(t, tt.wantCode, got.code, got.stdout)
			assert.Empty(t, got.stderr, "--json keeps stderr for --verbose and warnings")
			obj := decodeOne(t, got.stdout)
			assert.Equal(t, false, obj["ok"])
			assert.Equal(t, tt.args[0], obj["command"])
			assert.InDelta(t, tt.wantCode, obj["exit_code"], 0)
			errObj := errorOf(t, obj)
			assert.Contains(t, errObj["message"], tt.message)
			delete(errObj, "message")
			if _, answered := tt.wantError["status"]; answered {
				assert.NotEmpty(t, errObj["request_id"], "the server's request id")
			}
			delete(errObj, "request_id")
			assert.Equal(t, tt.wantError, errObj)
		})
	}
}

// A usage error found while parsing flags is JSON too, when --json came
// anywhere on the line, even after the bad flag.
func TestJSON_FlagErrorsAreJSONWhereverJSONStands(t *testing.T) {
	for _, args := range [][]string{
		{"login", "--json", "--frob"},
		{"login", "--frob", "--json"},
		{"login", "--json=true", "--timeout", "soon"},
		{"--json", "login"},
		{"frobnicate", "--json"},
	} {
		got := runCLI(t, nil, "", args...)

		require.Equal(t, exitUsage, got.code, "%q", args)
		obj := decodeOne(t, got.stdout)
		assert.Equal(t, false, obj["ok"], "%q", args)
		assert.InDelta(t, exitUsage, obj["exit_code"], 0, "%q", args)
	}
}
