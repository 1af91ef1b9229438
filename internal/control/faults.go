package control

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/loremup/loremup-go/internal/fake"
)

// FaultSpec is a fault as the control API reads and shows it: the fake's
// own PendingFault in JSON, with the latency in milliseconds and header
// values given as a string or a list of strings. (Headers shadows the
// Fault's Header in JSON.)
type FaultSpec struct {
	fake.PendingFault
	LatencyMS int64        `json:"latency_ms,omitempty"`
	Headers   headerValues `json:"headers,omitempty"`
}

// headerValues reads a header object whose values are a string or a list
// of strings, and shows lists.
type headerValues map[string][]string

func (h *headerValues) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return errFieldType{field: "headers", want: "an object of header names to a string or a list of strings"}
	}
	out := make(headerValues, len(raw))
	for name, v := range raw {
		var one string
		if json.Unmarshal(v, &one) == nil {
			out[name] = []string{one}
			continue
		}
		var many []string
		if json.Unmarshal(v, &many) != nil || len(many) == 0 {
			return errFieldType{field: "headers." + name, want: "a string or a non-empty list of strings"}
		}
		out[name] = many
	}
	*h = out
	return nil
}

type errFieldType struct{ field, want string }

func (e errFieldType) Error() string { return e.field + " must be " + e.want }

// frameHeaders are headers a fault may not set: they describe the
// message's framing, which the fake (or net/http) decides.
var frameHeaders = []string{"Content-Length", "Transfer-Encoding", "Connection"}

// validate checks s and completes its Fault, or returns the field at
// fault and why.
func (s *FaultSpec) validate() (string, string) {
	s.Method = strings.ToUpper(s.Method)
	switch {
	case s.Method != "" && !fake.IsToken(s.Method):
		return "method", "method must be an HTTP method such as POST or DELETE"
	case s.Times != 0 && s.Every != 0:
		return "every", "times and every exclude each other"
	case s.Times < 0 || s.Times > MaxTimes:
		return "times", fmt.Sprintf("times must be from 1 to %d", MaxTimes)
	case s.Every < 0 || s.Every > MaxTimes:
		return "every", fmt.Sprintf("every must be from 1 to %d", MaxTimes)
	case s.Status != 0 && (s.Status < 200 || s.Status > 599):
		return "status", "status must be a final HTTP status, 200 to 599"
	case s.LatencyMS < 0 || s.LatencyMS > MaxLatency.Milliseconds():
		return "latency_ms", fmt.Sprintf("latency_ms must be from 0 to %d", MaxLatency.Milliseconds())
	case badField(s.RetryAfter):
		return "retry_after", "retry_after must be seconds or an HTTP date, without control characters"
	case len(s.Body) > MaxFaultBody:
		return "body", fmt.Sprintf("body must be at most %d bytes", MaxFaultBody)
	case len(s.Headers) > MaxFaultHeaders:
		return "headers", fmt.Sprintf("at most %d headers", MaxFaultHeaders)
	}
	if s.Times == 0 && s.Every == 0 {
		s.Times = 1
	}
	hdr := make(http.Header, len(s.Headers))
	for name, vs := range s.Headers {
		field := "headers." + name
		canon := textproto.CanonicalMIMEHeaderKey(name)
		switch {
		case !fake.IsToken(name):
			return field, "a header name must be an HTTP token"
		case slices.Contains(frameHeaders, canon):
			return field, "the fake sets " + canon + " itself"
		case slices.ContainsFunc(vs, badField):
			return field, "a header value must be at most 1024 bytes, without control characters"
		}
		hdr[canon] = append(hdr[canon], vs...)
	}
	if len(hdr) == 0 {
		hdr = nil
	}
	answers := s.Status != 0 || s.DropMidBody || s.MalformedBody
	switch {
	case s.Drop && (s.DropMidBody || s.MalformedBody) || s.DropMidBody && s.MalformedBody:
		return "drop", "drop, drop_mid_body and malformed_body exclude each other"
	case s.Drop && (s.Status != 0 || s.RetryAfter != "" || hdr != nil || s.Body != ""):
		return "drop", "drop closes the connection without an answer: status, retry_after, headers and body cannot apply"
	case s.Body != "" && (s.Status == 0 || s.DropMidBody || s.MalformedBody):
		return "body", "body replaces the error document of a status answer: it needs status, and no drop_mid_body or malformed_body"
	case (s.RetryAfter != "" || hdr != nil) && !answers:
		return "retry_after", "retry_after and headers go on an answer: they need status, drop_mid_body or malformed_body"
	case !answers && !s.Drop && s.LatencyMS == 0:
		return "status", "a fault needs at least one of status, latency_ms, drop, drop_mid_body, malformed_body"
	}
	s.Header, s.Latency = hdr, time.Duration(s.LatencyMS)*time.Millisecond
	return "", ""
}

func (c *Handler) addFault(w http.ResponseWriter, r *http.Request) {
	var s FaultSpec
	if !decode(w, r, &s) {
		return
	}
	field, msg := s.validate()
	if field != "" {
		writeError(w, http.StatusBadRequest, "invalid", field, msg)
		return
	}
	waiting := 0
	for _, p := range c.fake.PendingFaults() {
		if p.Every == 0 || s.Every == 0 { // a new periodic fault replaces the old one
			waiting++
		}
	}
	if waiting >= MaxFaults {
		writeError(w, http.StatusConflict, "too_many", "", fmt.Sprintf("at most %d faults may wait; clear them with DELETE /faults", MaxFaults))
		return
	}
	inject, n := c.fake.Inject, s.Times
	if s.Every > 0 {
		inject, n = c.fake.InjectEvery, s.Every
	}
	if err := inject(n, s.Fault); err != nil { // validate checked what the fake checks
		writeError(w, http.StatusBadRequest, "invalid", "status", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, map[string]FaultSpec{"fault": specOf(s.PendingFault)})
}

func (c *Handler) listFaults(w http.ResponseWriter) {
	faults := []FaultSpec{}
	for _, p := range c.fake.PendingFaults() {
		faults = append(faults, specOf(p))
	}
	writeJSON(w, http.StatusOK, map[string][]FaultSpec{"faults": faults})
}

func specOf(p fake.PendingFault) FaultSpec {
	return FaultSpec{PendingFault: p, LatencyMS: p.Latency.Milliseconds(), Headers: headerValues(p.Header)}
}

// decode reads r's body, which must be one JSON object of v's fields and
// application/json, and answers 400, 413 or 415 naming the problem when
// it is not.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type", "the body must be application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, tail := dec.Token(); errors.Is(tail, io.EOF) {
			return true
		}
		err = errors.New("trailing data")
	}
	var (
		tooBig   *http.MaxBytesError
		typeErr  *json.UnmarshalTypeError
		fieldErr errFieldType
	)
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", "", fmt.Sprintf("the body must be at most %d bytes", maxRequestBody))
	case errors.As(err, &fieldErr):
		writeError(w, http.StatusBadRequest, "invalid", fieldErr.field, fieldErr.Error())
	case errors.As(err, &typeErr) && typeErr.Field != "":
		// The path through embedded structs (PendingFault.Fault.status)
		// is not the client's.
		field := typeErr.Field[strings.LastIndexByte(typeErr.Field, '.')+1:]
		kind := typeErr.Type.Kind().String()
		want := map[string]string{"string": "a string", "bool": "true or false", "int": "an integer", "int64": "an integer"}[kind]
		if want == "" {
			want = "a " + kind
		}
		writeError(w, http.StatusBadRequest, "invalid", field, field+" must be "+want)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		writeError(w, http.StatusBadRequest, "unknown_field", field, "unknown field "+field)
	default:
		writeError(w, http.StatusBadRequest, "invalid_json", "", "the body must be one JSON object")
	}
	return false
}

// badField tells whether s is longer than maxFieldLen or holds a control character other than a tab.
func badField(s string) bool {
	return len(s) > maxFieldLen || strings.ContainsFunc(s, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f })
}
