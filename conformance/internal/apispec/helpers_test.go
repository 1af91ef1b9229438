package apispec_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/conformance/internal/apispec"
	"github.com/loremup/loremup-go/internal/wire"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// sdkClient returns an SDK client for base whose traffic goes through a
// fresh ValidatingTransport over next.
func sdkClient(t *testing.T, next http.RoundTripper, base, token string) (*loremup.Client, *apispec.ValidatingTransport) {
	t.Helper()
	vt := newValidator(t).Transport(next)
	c, err := loremup.NewClient(base, token,
		loremup.WithHTTPClient(&http.Client{Transport: vt}),
		loremup.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c, vt
}

func createParams(form, email, password string) loremup.CreateSessionParams {
	return loremup.CreateSessionParams{FormName: form, Form: loremup.SessionForm{Email: email, Password: password}}
}

// documented answers status the way the description says a server does.
func documented(status int) httpmock.Responder {
	if status == http.StatusUnauthorized {
		return httpmock.NewStringResponder(status, wire.UnauthorizedBody).HeaderSet(http.Header{
			"Content-Type":     {wire.ContentTypeText},
			"WWW-Authenticate": {wire.UnauthorizedChallenge},
		})
	}
	doc, err := json.Marshal(wire.NewError(status, "invalid", http.StatusText(status), "detail", nil))
	if err != nil {
		return httpmock.NewErrorResponder(err)
	}
	return httpmock.NewBytesResponder(status, doc).HeaderSet(http.Header{"Content-Type": {wire.ContentTypeJSONAPI}})
}

func newValidator(t *testing.T) *apispec.Validator {
	t.Helper()
	v, err := apispec.New()
	require.NoError(t, err)
	return v
}

// sdkHeaders are the headers the SDK sends (see internal/wire).
func sdkHeaders() http.Header {
	return http.Header{
		"Authorization": {wire.AuthorizationValue(testToken)},
		"Accept":        {wire.Accept},
		"Content-Type":  {wire.MediaTypeJSON},
	}
}

func mediaTypes(c openapi3.Content) []string {
	var mts []string
	for mt := range c {
		mts = append(mts, mt)
	}
	slices.Sort(mts)
	return mts
}
