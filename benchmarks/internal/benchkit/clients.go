package benchkit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/hashicorp/go-retryablehttp"

	"github.com/loremup/loremup-go"
)

// SDK settings the comparison clients copy, so that every library does
// the same work per call.
const (
	Timeout      = loremup.DefaultTimeout
	RetryMax     = loremup.DefaultMaxRetries
	RetryWaitMin = loremup.DefaultRetryWaitMin
	RetryWaitMax = loremup.DefaultRetryWaitMax
	MaxBodyBytes = loremup.DefaultMaxResponseBytes
)

// UserAgent is the SDK's default User-Agent, sent by every client.
var UserAgent = "loremup-go/" + loremup.Version

// AuthValue is the Authorization header every client sends.
var AuthValue = "Token token=" + Token

// The JSON bodies, with the same shape and field order as the SDK's.
type createBody struct {
	FormName string   `json:"form_name"`
	Form     formBody `json:"form"`
}

type formBody struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type deleteBody struct {
	FormName string `json:"form_name"`
}

// TunedTransport is a well-tuned *http.Transport for one host and many
// goroutines: http.DefaultTransport with a pool of 64 idle connections
// per host (the same numbers as the SDK's default transport).
func TunedTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 64
	t.IdleConnTimeout = 90 * time.Second
	return t
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// APIError is what the hand-written client makes of a non-2xx answer.
type APIError struct {
	StatusCode int
	Errors     []ErrorObject
}

func (e *APIError) Error() string {
	if len(e.Errors) > 0 {
		return fmt.Sprintf("status %d: %s", e.StatusCode, e.Errors[0].Detail)
	}
	return fmt.Sprintf("status %d", e.StatusCode)
}

// ErrorObject is one JSON:API error object.
type ErrorObject struct {
	Status string       `json:"status"`
	Code   string       `json:"code"`
	Title  string       `json:"title"`
	Detail string       `json:"detail"`
	Source *ErrorSource `json:"source"`
}

// ErrorSource is a JSON:API error source.
type ErrorSource struct {
	Pointer   string `json:"pointer"`
	Parameter string `json:"parameter"`
	Header    string `json:"header"`
}

// readAPIError reads a bounded error body and parses it as a JSON:API
// error document: what careful hand-written code does with an error.
func readAPIError(resp *http.Response) error {
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes))
	if err != nil {
		return err
	}
	e := &APIError{StatusCode: resp.StatusCode}
	var doc struct {
		Errors []ErrorObject `json:"errors"`
	}
	if json.Unmarshal(data, &doc) == nil {
		e.Errors = doc.Errors
	}
	return e
}

func setHeaders(h http.Header) {
	h["Authorization"] = []string{AuthValue}
	h["Accept"] = []string{Accept}
	h["Content-Type"] = []string{ContentType}
	h["User-Agent"] = []string{UserAgent}
}

// Handwritten is the floor: the SDK's request written by hand with
// net/http. Create returns the session cookies (a login is for them);
// bodies are drained and closed so connections are reused; error bodies
// are read (bounded) and parsed.
type Handwritten struct {
	HC  *http.Client
	URL string // the sessions URL
}

// NewHandwritten returns the hand-written client for sessionsURL on a
// tuned transport, with the SDK's per-attempt timeout and no redirects.
func NewHandwritten(sessionsURL string, rt http.RoundTripper) *Handwritten {
	return &Handwritten{
		HC:  &http.Client{Transport: rt, Timeout: Timeout, CheckRedirect: noRedirect},
		URL: sessionsURL,
	}
}

// Create logs in and returns the session cookies.
func (h *Handwritten) Create(ctx context.Context) ([]*http.Cookie, error) {
	body, err := json.Marshal(createBody{FormName: CreateFormName, Form: formBody{Email: Email, Password: Password}})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	setHeaders(req.Header)
	resp, err := h.HC.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, readAPIError(resp)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxBodyBytes))
	return resp.Cookies(), nil
}

// Delete logs the session of cookies out.
func (h *Handwritten) Delete(ctx context.Context, cookies []*http.Cookie) error {
	body, err := json.Marshal(deleteBody{FormName: DeleteFormName})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, h.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	setHeaders(req.Header)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := h.HC.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return readAPIError(resp)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxBodyBytes))
	return nil
}

// Retryable is go-retryablehttp used directly, configured as the SDK
// configures it: no logger, the same retry count and waits, a
// pass-through ErrorHandler, no redirects, the same per-attempt timeout.
// It uses the library's default retry policy and backoff.
type Retryable struct {
	RC  *retryablehttp.Client
	URL string
}

// NewRetryable returns the go-retryablehttp client for sessionsURL on rt.
func NewRetryable(sessionsURL string, rt http.RoundTripper) *Retryable {
	return &Retryable{
		RC: &retryablehttp.Client{
			HTTPClient:   &http.Client{Transport: rt, Timeout: Timeout, CheckRedirect: noRedirect},
			Logger:       nil,
			RetryWaitMin: RetryWaitMin,
			RetryWaitMax: RetryWaitMax,
			RetryMax:     RetryMax,
			CheckRetry:   retryablehttp.DefaultRetryPolicy,
			Backoff:      retryablehttp.DefaultBackoff,
			ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
				return resp, err
			},
		},
		URL: sessionsURL,
	}
}

// Create logs in and returns the session cookies.
func (r *Retryable) Create(ctx context.Context) ([]*http.Cookie, error) {
	body, err := json.Marshal(createBody{FormName: CreateFormName, Form: formBody{Email: Email, Password: Password}})
	if err != nil {
		return nil, err
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, r.URL, body)
	if err != nil {
		return nil, err
	}
	setHeaders(req.Header)
	resp, err := r.RC.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, readAPIError(resp)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxBodyBytes))
	return resp.Cookies(), nil
}

// Resty is go-resty v2 as a user would set it up for this API: headers on
// the client, retries on (3, with the SDK's waits), the SDK's timeout, no
// redirects, resty's own cookie jar; the transport is the tuned one so
// that the comparison is of the libraries, not of pool sizes.
type Resty struct {
	C   *resty.Client
	URL string
}

// NewResty returns the resty client for sessionsURL on rt.
func NewResty(sessionsURL string, rt http.RoundTripper) *Resty {
	c := resty.New().
		SetTransport(rt).
		SetTimeout(Timeout).
		SetRetryCount(RetryMax).
		SetRetryWaitTime(RetryWaitMin).
		SetRetryMaxWaitTime(RetryWaitMax).
		SetRedirectPolicy(resty.NoRedirectPolicy()).
		SetHeader("Authorization", AuthValue).
		SetHeader("Accept", Accept).
		SetHeader("Content-Type", ContentType).
		SetHeader("User-Agent", UserAgent)
	return &Resty{C: c, URL: sessionsURL}
}

// Create logs in and returns the session cookies.
func (r *Resty) Create(ctx context.Context) ([]*http.Cookie, error) {
	resp, err := r.C.R().
		SetContext(ctx).
		SetBody(createBody{FormName: CreateFormName, Form: formBody{Email: Email, Password: Password}}).
		Post(r.URL)
	if err != nil {
		return nil, err
	}
	if !resp.IsSuccess() {
		return nil, fmt.Errorf("status %d", resp.StatusCode())
	}
	return resp.Cookies(), nil
}

// NewSDK returns the SDK's client for the server at baseURL with its
// default options (and so its default transport).
func NewSDK(baseURL string) (*loremup.Client, error) {
	return loremup.NewClient(baseURL, Token)
}

// CreateParams and DeleteParams are the SDK calls' parameters.
var (
	CreateParams = loremup.CreateSessionParams{
		FormName: CreateFormName,
		Form:     loremup.SessionForm{Email: Email, Password: Password},
	}
)

// DeleteParams returns the parameters that log sess out.
func DeleteParams(sess *loremup.Session) loremup.DeleteSessionParams {
	return loremup.DeleteSessionParams{FormName: DeleteFormName, Session: sess}
}
