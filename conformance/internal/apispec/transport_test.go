package apispec_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/conformance/internal/apispec"
)

// statusChecker is a Checker without ValidateRequest: it refuses answers
// of one status.
type statusChecker struct{ refuse int }

func (c statusChecker) ValidateResponse(_ *http.Request, status int, _ http.Header, _ []byte) error {
	if status == c.refuse {
		return errors.New("refused status")
	}
	return nil
}

type answerFunc func(*http.Request) (*http.Response, error)

func (f answerFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNewTransport_ResponseOnlyChecker(t *testing.T) {
	status := http.StatusOK
	next := answerFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("answer")), Request: r}, nil
	})
	vt := apispec.NewTransport(statusChecker{refuse: http.StatusTeapot}, next)
	client := &http.Client{Transport: vt}

	resp, err := client.Post("http://127.0.0.1/anything", "text/plain", strings.NewReader("not checked"))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, "answer", string(body), "the caller gets the answer unchanged")
	require.NoError(t, vt.Err())

	status = http.StatusTeapot
	resp, err = client.Get("http://127.0.0.1/anything")
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.ErrorContains(t, vt.Err(), "refused status")
	assert.Equal(t, 2, vt.Exchanges())
}
