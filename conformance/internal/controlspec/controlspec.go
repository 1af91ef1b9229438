// Package controlspec checks the answers of loremup-fake's control API
// against its OpenAPI description, api/control.yaml, and holds the
// control API's HTTP tests, each answer validated on the way.
//
// Only tests import it: it is where kin-openapi meets the control API,
// kept apart so that no other package's tests depend on it.
package controlspec

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/loremup/loremup-go/api"
	"github.com/loremup/loremup-go/conformance/internal/apispec"
)

// Validator checks control API answers against the description. It is
// safe for concurrent use.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
}

// New loads api/control.yaml, validates it as an OpenAPI 3 document
// (its examples included), and returns a Validator for it.
func New(ctx context.Context) (*Validator, error) {
	doc, router, err := apispec.LoadRouted(ctx, "control.yaml", api.ControlYAML())
	if err != nil {
		return nil, err
	}
	return &Validator{doc: doc, router: router}, nil
}

// ValidateResponse checks one answer to req: that its status is
// described for the operation, and its headers, Content-Type and body.
// An answer to a path or method the description lacks must be a 401, 404
// or 405 error document.
func (v *Validator) ValidateResponse(req *http.Request, status int, header http.Header, body []byte) error {
	r := req.Clone(req.Context())
	r.Body = http.NoBody
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		return v.validateUnrouted(req, status, header, body)
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true,
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: opts},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                opts,
	}
	if err := openapi3filter.ValidateResponse(req.Context(), in); err != nil {
		return fmt.Errorf("controlspec: response %d to %s %s: %w", status, req.Method, req.URL.Path, err)
	}
	return nil
}

func (v *Validator) validateUnrouted(req *http.Request, status int, header http.Header, body []byte) error {
	if status != http.StatusUnauthorized && status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
		return fmt.Errorf("controlspec: %s %s: no operation in the description, yet answered %d", req.Method, req.URL.Path, status)
	}
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("controlspec: %d to %s %s: Content-Type %q, want application/json", status, req.Method, req.URL.Path, ct)
	}
	if status == http.StatusMethodNotAllowed && header.Get("Allow") == "" {
		return fmt.Errorf("controlspec: 405 to %s %s without Allow", req.Method, req.URL.Path)
	}
	schema := v.doc.Components.Schemas["Error"].Value
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return fmt.Errorf("controlspec: %d to %s %s: body is not JSON: %w", status, req.Method, req.URL.Path, err)
	}
	if err := schema.VisitJSON(doc); err != nil {
		return fmt.Errorf("controlspec: %d to %s %s: body is not an Error document: %w", status, req.Method, req.URL.Path, err)
	}
	return nil
}

// Transport returns a transport over next (http.DefaultTransport when
// nil) that validates every answer passing through it and records what
// does not match; callers get the answers unchanged. It is the one the
// Sessions API's tests use, so both descriptions are checked alike.
func (v *Validator) Transport(next http.RoundTripper) *apispec.ValidatingTransport {
	return apispec.NewTransport(v, next)
}
