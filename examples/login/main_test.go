package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestRun_WithoutEnvironmentUsesTheFake(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), &out, env(nil))
	require.NoError(t, err)
	assert.Contains(t, out.String(), "started the fake server")
	assert.Contains(t, out.String(), "logged in")
	assert.Contains(t, out.String(), "logged out")
	assert.NotContains(t, out.String(), "demo-password")
}

func TestRun_WithEnvironmentUsesThatServer(t *testing.T) {
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "pw-ada-1"))
	defer srv.Close()
	var out bytes.Buffer

	err := run(context.Background(), &out, env(map[string]string{
		"LOREMUP_BASE_URL": srv.URL, "LOREMUP_API_TOKEN": srv.Token,
		"LOREMUP_EMAIL": "ada@example.com", "LOREMUP_PASSWORD": "pw-ada-1",
	}))

	require.NoError(t, err)
	assert.Contains(t, out.String(), "using the server at "+srv.URL)
	assert.Equal(t, 2, srv.RequestCount())
	assert.Zero(t, srv.ActiveSessions(), "the example logs out what it logged in")
	assert.NotContains(t, out.String(), srv.Token)
	assert.NotContains(t, out.String(), "pw-ada-1")
}

func TestRun_ExplainsWrongCredentials(t *testing.T) {
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "pw-ada-1"))
	defer srv.Close()

	err := run(context.Background(), &bytes.Buffer{}, env(map[string]string{
		"LOREMUP_BASE_URL": srv.URL, "LOREMUP_API_TOKEN": srv.Token,
		"LOREMUP_EMAIL": "ada@example.com", "LOREMUP_PASSWORD": "wrong-pw",
	}))

	require.ErrorIs(t, err, loremup.ErrUnauthorized)
	assert.Contains(t, err.Error(), "check LOREMUP_API_TOKEN")
	assert.NotContains(t, err.Error(), "wrong-pw")
}

func TestRun_PartialEnvironmentIsAnError(t *testing.T) {
	err := run(context.Background(), &bytes.Buffer{}, env(map[string]string{"LOREMUP_BASE_URL": "https://app.example.com"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "LOREMUP_API_TOKEN")
}
