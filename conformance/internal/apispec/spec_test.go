package apispec_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/api"
	"github.com/loremup/loremup-go/conformance/internal/apispec"
	"github.com/loremup/loremup-go/internal/wire"
)

func TestSpecLoadsAndValidates(t *testing.T) {
	doc, err := apispec.Load(context.Background())
	require.NoError(t, err)
	// Validate once more explicitly: Load already did, this states it.
	require.NoError(t, doc.Validate(context.Background()))
	assert.Regexp(t, `^3\.0\.\d+$`, doc.OpenAPI)

	item := doc.Paths.Value(wire.SessionsPath)
	require.NotNil(t, item, "the description must have the SDK's path %s", wire.SessionsPath)
	require.NotNil(t, item.Post, "Create is POST")
	require.NotNil(t, item.Delete, "Delete is DELETE")

	tests := []struct {
		name     string
		method   string
		codes    []string
		formName string
	}{
		{"create", http.MethodPost, []string{"201", "401", "406", "422"}, wire.DefaultCreateFormName},
		{"delete", http.MethodDelete, []string{"204", "2XX", "401", "406"}, wire.DefaultDeleteFormName},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			op := item.GetOperation(tc.method)
			require.NotNil(t, op)
			for _, code := range tc.codes {
				assert.NotNil(t, op.Responses.Value(code), "response %s", code)
			}
			for _, code := range []string{"401", "406", "422"} {
				r := op.Responses.Value(code)
				if r == nil {
					continue
				}
				mt := r.Value.Content.Get(wire.MediaTypeJSONAPI)
				require.NotNil(t, mt, "%s answers %s", code, wire.MediaTypeJSONAPI)
				errs := mt.Schema.Value.Properties["errors"]
				require.NotNil(t, errs)
				obj := errs.Value.Items.Value
				assert.Contains(t, obj.Required, "status", "JSON:API error status is required")
				assert.True(t, obj.Properties["status"].Value.Type.Is("string"), "JSON:API error status is a string")
			}
			body := op.RequestBody.Value
			assert.True(t, body.Required)
			req := body.Content.Get(wire.MediaTypeJSON)
			require.NotNil(t, req, "requests are %s", wire.MediaTypeJSON)
			assert.Contains(t, req.Schema.Value.Required, "form_name")
			assert.Equal(t, tc.formName, req.Example.(map[string]any)["form_name"])
		})
	}

	created := item.Post.Responses.Value("201").Value
	assert.NotNil(t, created.Content.Get(wire.MediaTypeJSONAPI))
	assert.NotNil(t, created.Headers["Set-Cookie"])

	scheme := doc.Components.SecuritySchemes["TokenAuth"]
	require.NotNil(t, scheme)
	assert.Equal(t, "apiKey", scheme.Value.Type)
	assert.Equal(t, "header", scheme.Value.In)
	assert.Equal(t, "Authorization", scheme.Value.Name)
	require.Len(t, doc.Security, 1)
	assert.Contains(t, doc.Security[0], "TokenAuth")
}

func TestOpenAPIYAMLIsACopy(t *testing.T) {
	a := api.OpenAPIYAML()
	require.NotEmpty(t, a)
	orig := string(a)
	for i := range a {
		a[i] = 'x'
	}
	assert.Equal(t, orig, string(api.OpenAPIYAML()))
}
