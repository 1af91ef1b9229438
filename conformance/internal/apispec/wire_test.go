package apispec_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
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
				case code == "401" && op.method == http.MethodDelete:
					assert.Equal(t, []string{wire.MediaTypeText}, mts,
						"a logout's only 401 is the plain-text token refusal: it checks no credentials")
					text := ref.Value.Content.Get(wire.MediaTypeText)
					assert.Equal(t, wire.UnauthorizedBody, text.Example)
					if assert.NotNil(t, ref.Value.Description) {
						assert.Contains(t, strings.Join(strings.Fields(*ref.Value.Description), " "), wire.UnauthorizedChallenge)
					}
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

	scheme := doc.Components.SecuritySchemes["TokenAuth"]
	require.NotNil(t, scheme)
	_, stated, ok := strings.Cut(strings.Join(strings.Fields(scheme.Value.Description), " "), "matches `")
	require.True(t, ok, "the security scheme states the token rule")
	stated, _, _ = strings.Cut(stated, "`")
	assert.Equal(t, wire.TokenPattern, stated)
	rule, err := regexp.Compile(stated)
	require.NoError(t, err)
	assert.True(t, rule.MatchString("tok_4f8a9c2e7b"))
	assert.False(t, rule.MatchString("a;b"), "Rails splits the header at ';'")

	login := setCookieExample(t, doc, "SetCookie")
	assert.Equal(t, wire.CookieName, login.Name, "the login's example is the fake's cookie")
	assert.NotEmpty(t, login.Value)
	assert.GreaterOrEqual(t, login.MaxAge, 0, "the login's example is a live cookie")
	for _, code := range []string{"204", "2XX"} {
		h := item.Delete.Responses.Value(code).Value.Headers["Set-Cookie"]
		require.NotNil(t, h, code)
		assert.Equal(t, "#/components/headers/ClearCookie", h.Ref, "a logout's %s clears the cookie", code)
	}
	logout := setCookieExample(t, doc, "ClearCookie")
	assert.Equal(t, wire.CookieName, logout.Name)
	assert.Empty(t, logout.Value, "a logout's example hands out no live cookie")
	assert.Negative(t, logout.MaxAge, "a logout's example expires the cookie")

	assert.Contains(t, doc.Info.Description, wire.Accept, "the description names what the SDK sends")
}

// setCookieExample returns the one cookie of the example of the Set-Cookie
// header component name, whose schema is an array of strings, one per
// header line, so that a generated client keeps every cookie.
func setCookieExample(t *testing.T, doc *openapi3.T, name string) *http.Cookie {
	t.Helper()
	h := doc.Components.Headers[name]
	require.NotNil(t, h, name)
	schema := h.Value.Schema.Value
	require.NoError(t, schema.VisitJSON([]any{"a=1; Path=/", "b=2; Expires=Thu, 01 Jan 1970 00:00:00 GMT"}), "%s keeps every cookie", name)
	require.Error(t, schema.VisitJSON("a=1; Path=/"), "%s is an array, not one string", name)
	require.Error(t, schema.VisitJSON([]any{1}), "%s holds strings", name)
	lines, ok := h.Value.Example.([]any)
	require.True(t, ok, "%s has an example of header lines", name)
	require.Len(t, lines, 1, name)
	line, ok := lines[0].(string)
	require.True(t, ok, name)
	c, err := http.ParseSetCookie(line)
	require.NoError(t, err, name)
	return c
}
