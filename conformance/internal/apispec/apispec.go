// Package apispec checks HTTP traffic against the OpenAPI description in
// package api, so that tests can prove the SDK, the fake server and the
// description agree.
//
// A Validator checks one request or one response; a ValidatingTransport
// sits between an http.Client and the network, checks every exchange that
// passes through it and records what it finds:
//
//	v, err := apispec.New()
//	vt := v.Transport(srv.Client().Transport)
//	c, err := loremup.NewClient(srv.URL, token, loremup.WithHTTPClient(&http.Client{Transport: vt}))
//	... use c ...
//	require.Empty(t, vt.Errors())
//
// Route lookup ignores scheme, host and port, and any path prefix of the
// base URL: a request path is matched against the description's paths by
// suffix, so "/tenant/api/sessions" is the operation "/api/sessions". The
// description's paths hold no templates, which is what makes that sound.
//
// Beyond what OpenAPI can express, the Validator checks the header rules
// that OpenAPI says to ignore as parameters, as package wire defines them
// for the SDK and the fake server alike: Authorization must carry a token
// the way the server reads it (wire.ParseAuthorization) that the token
// rule allows (wire.CheckToken), Accept must admit application/vnd.api+json
// or application/json (wire.Acceptable), and a request body must be sent
// as application/json (wire.JSONContentType).
//
// Error messages name the JSON pointer and the broken rule but never
// repeat values, so a password or token in a request body does not end up
// in test output.
package apispec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/loremup/loremup-go/api"
	"github.com/loremup/loremup-go/internal/wire"
)

// Validator checks requests and responses against the embedded OpenAPI
// description. It is safe for concurrent use.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
	paths  []string // the description's paths, longest first
}

// Load parses the embedded OpenAPI description and validates it as an
// OpenAPI 3 document (including its examples against their schemas).
func Load(ctx context.Context) (*openapi3.T, error) {
	return load(ctx, "openapi.yaml", api.OpenAPIYAML())
}

// load parses the description data (name is for errors) and validates it
// as an OpenAPI 3 document.
func load(ctx context.Context, name string, data []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("apispec: load %s: %w", name, err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("apispec: %s is not a valid OpenAPI 3 document: %w", name, err)
	}
	return doc, nil
}

// LoadRouted parses the OpenAPI description data (name is for errors),
// validates it as an OpenAPI 3 document, its examples included, and
// returns it with a router that matches any scheme and host: it routes
// on a copy of the description without its servers. The control API's
// description is loaded with it too.
func LoadRouted(ctx context.Context, name string, data []byte) (*openapi3.T, routers.Router, error) {
	doc, err := load(ctx, name, data)
	if err != nil {
		return nil, nil, err
	}
	rdoc := *doc
	rdoc.Servers = nil
	router, err := gorillamux.NewRouter(&rdoc)
	if err != nil {
		return nil, nil, fmt.Errorf("apispec: build router for %s: %w", name, err)
	}
	return doc, router, nil
}

// New loads and validates the embedded description and returns a
// Validator for it.
func New() (*Validator, error) {
	// Prefixes are handled by routePath.
	doc, router, err := LoadRouted(context.Background(), "openapi.yaml", api.OpenAPIYAML())
	if err != nil {
		return nil, err
	}
	paths := make([]string, 0, doc.Paths.Len())
	for p := range doc.Paths.Map() {
		if strings.ContainsAny(p, "{}") {
			return nil, fmt.Errorf("apispec: templated path %q is not supported by prefix stripping", p)
		}
		paths = append(paths, p)
	}
	sort.Slice(paths, func(i, j int) bool {
		if len(paths[i]) != len(paths[j]) {
			return len(paths[i]) > len(paths[j])
		}
		return paths[i] < paths[j]
	})
	return &Validator{doc: doc, router: router, paths: paths}, nil
}

// Doc returns the loaded description. It is shared: do not change it.
func (v *Validator) Doc() *openapi3.T { return v.doc }

// ValidateRequest checks req, whose body is given separately (req.Body is
// not read), against the description: route, security, Accept, Content-Type
// and body.
func (v *Validator) ValidateRequest(req *http.Request, body []byte) error {
	in, err := v.input(req, body)
	if err != nil {
		return err
	}
	var errs []error
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
		errs = append(errs, err)
	}
	if err := checkHeaders(req.Header); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("apispec: request %s %s: %w", req.Method, in.Route.Path, err)
	}
	return nil
}

// ValidateResponse checks an answer to req: that its status is described
// for the operation, and its headers, Content-Type and body.
func (v *Validator) ValidateResponse(req *http.Request, status int, header http.Header, body []byte) error {
	in, err := v.input(req, nil)
	if err != nil {
		return err
	}
	if header == nil {
		header = http.Header{}
	}
	rin := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                in.Options,
	}
	if err := openapi3filter.ValidateResponse(req.Context(), rin); err != nil {
		return fmt.Errorf("apispec: response %d to %s %s: %w", status, req.Method, in.Route.Path, err)
	}
	return nil
}

// input finds the operation of req and builds the validation input for it,
// on a copy of req whose path is the description's and whose body is body.
func (v *Validator) input(req *http.Request, body []byte) (*openapi3filter.RequestValidationInput, error) {
	if req == nil || req.URL == nil {
		return nil, errors.New("apispec: no request")
	}
	r := req.Clone(req.Context())
	if p, ok := v.routePath(req.URL.Path); ok {
		r.URL.Path, r.URL.RawPath = p, ""
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))

	route, params, err := v.router.FindRoute(r)
	if err != nil {
		return nil, fmt.Errorf("apispec: %s %s: no operation in the description: %w", req.Method, req.URL.Path, err)
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true,
		SkipSettingDefaults:   true,
		AuthenticationFunc:    authenticate,
	}
	opts.WithCustomSchemaErrorFunc(schemaErrorMessage)
	return &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options:    opts,
	}, nil
}

// routePath maps a request path to the description path it ends with, so
// that a base URL's path prefix does not matter.
func (v *Validator) routePath(p string) (string, bool) {
	for _, sp := range v.paths {
		if strings.HasSuffix(p, sp) {
			return sp, true
		}
	}
	return "", false
}

// authenticate checks the form of the security scheme's header, never its
// value, and never repeats the value in an error.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	if s == nil || s.Type != "apiKey" || s.In != "header" {
		return in.NewError(fmt.Errorf("security scheme %q is not an apiKey header scheme", in.SecuritySchemeName))
	}
	values := in.RequestValidationInput.Request.Header.Values(s.Name)
	switch {
	case len(values) == 0:
		return in.NewError(fmt.Errorf("header %s is missing", s.Name))
	case len(values) > 1:
		return in.NewError(fmt.Errorf("header %s is sent %d times", s.Name, len(values)))
	}
	tok, ok := wire.ParseAuthorization(values[0])
	if !ok || wire.CheckToken(tok) != nil {
		return in.NewError(fmt.Errorf(`header %s does not read "Token token=<api token>"`, s.Name))
	}
	return nil
}

// checkHeaders reports what the description states in words: an Accept
// that admits neither JSON:API nor JSON, and a body not sent as
// application/json.
func checkHeaders(h http.Header) error {
	var errs []error
	if !wire.Acceptable(h.Values("Accept")) {
		errs = append(errs, errors.New("header Accept is missing or admits neither "+wire.MediaTypeJSONAPI+" nor "+wire.MediaTypeJSON))
	}
	if !wire.JSONContentType(h.Get("Content-Type")) {
		errs = append(errs, errors.New("header Content-Type is not "+wire.MediaTypeJSON))
	}
	return errors.Join(errs...)
}

// schemaErrorMessage names where and how a value breaks its schema without
// printing the value, which may be a password.
func schemaErrorMessage(err *openapi3.SchemaError) string {
	ptr := "/" + strings.Join(err.JSONPointer(), "/")
	switch {
	case err.Origin != nil:
		return ptr + ": " + err.Origin.Error()
	case err.Reason != "":
		return ptr + ": " + err.Reason
	default:
		return fmt.Sprintf("%s: does not match schema field %q", ptr, err.SchemaField)
	}
}
