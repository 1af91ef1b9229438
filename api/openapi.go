// Package api holds the OpenAPI 3 description of the LoremUp Sessions API
// (POST and DELETE /api/sessions) as the SDK and its fake server speak it.
// conformance/internal/apispec validates traffic against it in tests, so the SDK, the
// fake server and this description cannot drift apart.
package api

import (
	"bytes"
	_ "embed"
)

//go:embed openapi.yaml
var openAPIYAML []byte

// OpenAPIYAML returns the OpenAPI 3.0 description in YAML. Each call
// returns a fresh copy, so callers may change it freely.
func OpenAPIYAML() []byte {
	return bytes.Clone(openAPIYAML)
}
