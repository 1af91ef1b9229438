package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/loremuptest"
)

// Whatever shape the server's error body has (Rails apps send several),
// the CLI shows the server's reasons, so the user learns why: "HTTP
// Token: Access denied." means the token, not the password, was refused.
func TestRun_ShowsTheServersDetailForEveryErrorShape(t *testing.T) {
	jsonCT := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	tests := []struct {
		name   string
		fault  loremuptest.Fault
		want   []string
		status int
	}{
		{"JSON:API", loremuptest.Fault{Status: 422, Body: `{"errors":[{"status":"422","detail":"email is not a valid address","source":{"pointer":"/data/attributes/email"}}]}`},
			[]string{"email is not a valid address"}, exitInvalid},
		{"JSON:API, two objects", loremuptest.Fault{Status: 422, Body: `{"errors":[{"detail":"email can't be blank"},{"detail":"email is not a valid address"}]}`},
			[]string{"email can't be blank", "email is not a valid address"}, exitInvalid},
		{"Rails errors by field", loremuptest.Fault{Status: 422, Header: jsonCT, Body: `{"errors":{"email":["is invalid","is too short"]}}`},
			[]string{"is invalid", "is too short"}, exitInvalid},
		{"Rails scaffold model.errors", loremuptest.Fault{Status: 422, Header: jsonCT, Body: `{"email":["has already been taken"]}`},
			[]string{"has already been taken"}, exitInvalid},
		{"list of messages", loremuptest.Fault{Status: 422, Header: jsonCT, Body: `{"errors":["Email is invalid"]}`},
			[]string{"Email is invalid"}, exitInvalid},
		{"error member", loremuptest.Fault{Status: 401, Header: jsonCT, Body: `{"error":"Invalid email or password."}`},
			[]string{"Invalid email or password."}, exitUnauthorized},
		{"message member", loremuptest.Fault{Status: 406, Header: jsonCT, Body: `{"message":"Unknown form configuration"}`},
			[]string{"Unknown form configuration"}, exitNotAccepted},
		{"Rails exception JSON", loremuptest.Fault{Status: 400, Header: jsonCT, Body: `{"status":400,"error":"Bad Request"}`},
			[]string{"Bad Request"}, exitOther},
		{"plain text token refusal", loremuptest.Fault{Status: 401, Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, Body: "HTTP Token: Access denied.\n"},
			[]string{"HTTP Token: Access denied."}, exitUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			srv.Inject(1, tt.fault)

			got := runCLI(t, envFor(srv.URL), "", "login")

			require.Equal(t, tt.status, got.code, got.stderr)
			for _, want := range tt.want {
				assert.Contains(t, got.stderr, want)
			}
		})
	}
}
