package apispec_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/conformance/internal/apispec"
	"github.com/loremup/loremup-go/internal/wire"
)

// transient are the answers a proxy or rate limit adds to any operation;
// the description lists them so clients know to retry them.
var transient = []string{"429", "502", "503", "504"}

// TestDescriptionAgreesWithWire keeps api/openapi.yaml and package wire,
// which the SDK and the fake server use, saying the same thing: paths,
// methods, media types, form names, the token pattern, the cookie name
// and the statuses of each operation.
func TestDescriptionAgreesWithWire(t *testing.T) {
	doc, err := apispec.Load(context.Background())
	require.NoError(t, err)

	require.Equal(t, 1, doc.Paths.Len(), "one path")
	item := doc.Paths.Value(wire.SessionsPath)
	require.NotNil(t, item, "the path is wire.SessionsPath")
	assert.Len(t, item.Operations(), 2, "POST and DELETE only: other methods have no route")

	ops := []struct {
		method   string
		formName string
		extra    []string // described answers beyond wire.Statuses
	}{
		{http.MethodPost, wire.DefaultCreateFormName, transient},
		{http.MethodDelete, wire.DefaultDeleteFormName, append([]string{"2XX"}, transient...)},
	}
	for _, op := range ops {
		t.Run(op.method, func(t *testing.T) {
			o := item.GetOperation(op.method)
			require.NotNil(t, o)

			var want []string
			for _, code := range wire.Statuses(op.method) {
				want = append(want, strconv.Itoa(code))
			}
			want = append(want, op.extra...)
			got := make([]string, 0, o.Responses.Len())
			for code := range o.Responses.Map() {
				got = append(got, code)
			}
			assert.ElementsMatch(t, want, got, "statuses")

			body := o.RequestBody.Value
			assert.True(t, body.Required)
			assert.Equal(t, []string{wire.MediaTypeJSON}, mediaTypes(body.Content), "requests are plain JSON")
			assert.Equal(t, op.formName, body.Content.Get(wire.MediaTypeJSON).Example.(map[string]any)["form_name"])

			for code, ref := range o.Responses.Map() {
				mts := mediaTypes(ref.Value.Content)
				switch {
				case code == "401":
					assert.ElementsMatch(t, []string{wire.MediaTypeJSONAPI, wire.MediaTypeText}, mts,
						"a 401 is the plain-text token refusal or an error document")
					text := ref.Value.Content.Get(wire.MediaTypeText)
					assert.Equal(t, wire.UnauthorizedBody, text.Example)
					if assert.NotNil(t, ref.Value.Description) {
						assert.Contains(t, strings.Join(strings.Fields(*ref.Value.Description), " "), wire.UnauthorizedChallenge)
					}
				case strings.HasPrefix(code, "4") && !slices.Contains(transient, code):
					assert.Equal(t, []string{wire.MediaTypeJSONAPI}, mts, "%s is an error document", code)
				case code == "201":
					assert.Equal(t, []string{wire.MediaTypeJSONAPI}, mts)
				default:
					assert.Empty(t, mts, "%s has no specified body", code)
				}
				for _, mt := range ref.Value.Content {
					if ref := mt.Schema; ref != nil && ref.Value.Properties["errors"] != nil {
						obj := ref.Value.Properties["errors"].Value.Items.Value
						assert.Contains(t, obj.Required, "status", "JSON:API error status is required")
						assert.True(t, obj.Properties["status"].Value.Type.Is("string"), "JSON:API error status is a string")
					}
				}
			}
		})
	}

	token := doc.Components.Schemas["ApiToken"]
	require.NotNil(t, token, "the description states the token rule")
	assert.Equal(t, wire.TokenPattern, token.Value.Pattern)
	require.NoError(t, token.Value.VisitJSON("tok_4f8a9c2e7b"))
	require.Error(t, token.Value.VisitJSON("a;b"), "Rails splits the header at ';'")

	cookie := doc.Components.Headers["SetCookie"]
	require.NotNil(t, cookie)
	example, ok := cookie.Value.Example.(string)
	require.True(t, ok, "the Set-Cookie header has an example")
	assert.True(t, strings.HasPrefix(example, wire.CookieName+"="), "the example is the fake's cookie %s", wire.CookieName)

	assert.Contains(t, doc.Info.Description, wire.Accept, "the description names what the SDK sends")
}
