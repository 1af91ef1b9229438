package api

import (
	"bytes"
	_ "embed"
)

//go:embed control.yaml
var controlYAML []byte

// ControlYAML returns the OpenAPI 3.0 description of loremup-fake's
// control API in YAML. Each call returns a fresh copy, so callers may
// change it freely.
func ControlYAML() []byte {
	return bytes.Clone(controlYAML)
}
