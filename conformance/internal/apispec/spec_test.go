package apispec_test

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
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

	// Paths, media types, statuses and form names: see
	// TestDescriptionAgreesWithWire.
	item := doc.Paths.Value(wire.SessionsPath)
	require.NotNil(t, item)
	created := item.Post.Responses.Value("201").Value
	assert.NotNil(t, created.Headers["Set-Cookie"], "a login sets the session cookie")
	for _, op := range []*openapi3.Operation{item.Post, item.Delete} {
		assert.True(t, op.RequestBody.Value.Required)
		assert.Contains(t, op.RequestBody.Value.Content.Get(wire.MediaTypeJSON).Schema.Value.Required, "form_name")
	}

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
