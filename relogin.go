package loremup

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"

	"github.com/loremup/loremup-go/internal/redact"
)

// ReloginTransport is an http.RoundTripper for long-running programs that
// act as a user: it sends each request with a Session's cookies (only to
// the Session's base URL, as Session.Jar does) and keeps the cookies the
// app sets in the Session. When the app answers 401 Unauthorized to a
// request made with the Session, it logs the user in again with the
// parameters it was given, swaps the new login's cookies into the same
// Session, and repeats the request once.
//
// It works as golang.org/x/oauth2's Transport over a ReuseTokenSource
// does for tokens: however many goroutines meet the 401 at once, one
// login runs and the others wait for it (each within its own request's
// context); a request that was sent before a re-login that has since
// finished is repeated with the new cookies without logging in again.
//
// Limits, so that a broken app cannot cause a storm of logins: at most
// one re-login per request; each re-login spends one retry from the
// Client's retry budget (see RetryBudget), and when the budget is dry
// the 401 is returned; the login itself has the Client's retries. A
// request is repeated only when its body can be replayed (no body, or
// http.Request.GetBody set, as http.NewRequest does for in-memory
// bodies); otherwise the 401 is returned, after the re-login, so the
// next request succeeds. When the login fails, RoundTrip returns its
// error (an *APIError, or a transport or context error).
//
// It holds the user's password: printing it with fmt, logging it with
// slog and encoding it with encoding/json show neither the password nor
// cookie values. Make one with Client.NewReloginTransport; it is safe for
// concurrent use.
type ReloginTransport struct {
	r *relogin
}

type relogin struct {
	c      *Client
	sess   *Session
	params CreateSessionParams
	base   http.RoundTripper

	mu       sync.Mutex
	inflight *reloginCall
}

// reloginCall is one login that goroutines wait on.
type reloginCall struct {
	done chan struct{}
	err  error
}

// NewReloginTransport returns a ReloginTransport that acts as sess's user
// and logs in again with p when the app answers 401. sess must belong to
// the Client's base URL (a Session restored without one is bound to it).
// It sends through the Client's transport (its connection pool and
// per-attempt timeout) and does not send the API token to the app's
// other endpoints.
//
// Errors: a *ValidationError naming Session (nil, or of another base
// URL), FormName, Form.Email or Form.Password (empty, or not UTF-8).
// Nothing is sent.
func (c *Client) NewReloginTransport(sess *Session, p CreateSessionParams) (*ReloginTransport, error) {
	if sess == nil || sess.st == nil {
		return nil, invalid("Session", "session must not be nil: log in with Sessions.Create first")
	}
	if !sess.st.bind(c.origin) {
		return nil, invalid("Session", "the session belongs to another base URL than this client's")
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	return &ReloginTransport{r: &relogin{c: c, sess: sess, params: p, base: c.transport}}, nil
}

// ReloginHTTPClient returns an *http.Client on a ReloginTransport (see
// NewReloginTransport): it calls the app as sess's user and logs in again
// when the app answers 401. Like HTTPClient's, it follows redirects only
// within the Client's origin. Do not give it a Jar: the transport sends
// and keeps the Session's cookies itself.
func (c *Client) ReloginHTTPClient(sess *Session, p CreateSessionParams) (*http.Client, error) {
	t, err := c.NewReloginTransport(sess, p)
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: t, CheckRedirect: c.checkRedirect}, nil
}

// Session returns the Session the transport acts with; a re-login
// replaces its cookies, so it stays the one to log out.
func (t ReloginTransport) Session() *Session {
	if t.r == nil {
		return nil
	}
	return t.r.sess
}

// RoundTrip sends req with the Session's cookies, and on a 401 logs in
// again once and repeats it (see ReloginTransport).
func (t ReloginTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.r == nil {
		closeBody(req)
		return nil, invalid("ReloginTransport", "use Client.NewReloginTransport")
	}
	r := t.r
	st := r.sess.st
	cookies, logins := st.requestCookies(req.URL)
	resp, err := r.send(req, req.Body, cookies)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusUnauthorized || !st.origin.contains(req.URL) {
		return resp, nil
	}
	if err := r.relogin(req.Context(), logins); err != nil {
		drainAndClose(resp.Body, r.c.maxResponseBytes)
		return nil, err
	}
	body := io.ReadCloser(http.NoBody)
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return resp, nil // the body is gone: the caller sees the 401
		}
		if body, err = req.GetBody(); err != nil {
			return resp, nil
		}
	}
	drainAndClose(resp.Body, r.c.maxResponseBytes)
	cookies, _ = st.requestCookies(req.URL)
	resp, err = r.send(req, body, cookies)
	if err == nil && resp.StatusCode != http.StatusUnauthorized {
		r.c.budget.refund()
	}
	return resp, err
}

// send sends a copy of req with body and the Session's cookies (after
// any the request carries), and keeps the cookies the answer sets.
func (r *relogin) send(req *http.Request, body io.ReadCloser, cookies []*http.Cookie) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.Body = body
	if len(cookies) > 0 {
		h := cookieHeader(cookies)
		if prev := req.Header.Get("Cookie"); prev != "" {
			h = prev + "; " + h
		}
		out.Header.Set("Cookie", h)
	}
	resp, err := r.base.RoundTrip(out)
	if err != nil {
		return nil, r.c.appSecrets(out).Error(err)
	}
	if set := resp.Cookies(); len(set) > 0 {
		r.sess.st.setCookies(req.URL, set)
	}
	return resp, nil
}

// relogin logs in again unless a re-login finished since the request
// was sent (the Session has seen more logins than sentWith), joining one
// that is running.
func (r *relogin) relogin(ctx context.Context, sentWith uint64) error {
	r.mu.Lock()
	if r.sess.st.loginCount() != sentWith {
		r.mu.Unlock()
		return nil
	}
	call := r.inflight
	if call != nil {
		r.mu.Unlock()
		select {
		case <-call.done:
			return call.err
		case <-ctx.Done():
			return fmt.Errorf("loremup: wait for a new login: %w", ctx.Err())
		}
	}
	call = &reloginCall{done: make(chan struct{})}
	r.inflight = call
	r.mu.Unlock()

	call.err = r.login(ctx)

	r.mu.Lock()
	r.inflight = nil
	r.mu.Unlock()
	close(call.done)
	return call.err
}

func (r *relogin) login(ctx context.Context) error {
	if !r.c.budget.spend() {
		return fmt.Errorf("loremup: log in again after 401: %w", ErrRetryBudgetExhausted)
	}
	fresh, err := r.c.Sessions.Create(ctx, r.params)
	if err != nil {
		return fmt.Errorf("loremup: log in again after 401: %w", err)
	}
	r.sess.st.swap(fresh.st)
	if r.c.logger != nil {
		r.c.log(ctx, "loremup: logged in again after 401", slog.String("email", r.params.Form.Email))
	}
	return nil
}

func (st *sessionState) loginCount() uint64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.logins
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// Format prints the transport with the password and cookie values
// hidden, for every verb.
func (t ReloginTransport) Format(f fmt.State, _ rune) {
	if t.r == nil {
		fmt.Fprint(f, "loremup.ReloginTransport{}")
		return
	}
	fmt.Fprintf(f, "loremup.ReloginTransport{Session: %v, Params: %v}", t.r.sess, t.r.params)
}

// LogValue keeps the password and cookie values out of structured logs.
func (t ReloginTransport) LogValue() slog.Value {
	if t.r == nil {
		return slog.GroupValue()
	}
	return slog.GroupValue(slog.Any("session", t.r.sess), slog.Any("params", t.r.params))
}

// MarshalJSON writes the transport with the password and cookie values
// redacted.
func (t ReloginTransport) MarshalJSON() ([]byte, error) {
	out := struct {
		Session  *Session `json:"session,omitempty"`
		FormName string   `json:"form_name,omitempty"`
		Email    string   `json:"email,omitempty"`
		Password string   `json:"password,omitempty"`
	}{}
	if t.r != nil {
		out.Session, out.FormName, out.Email, out.Password = t.r.sess, t.r.params.FormName, t.r.params.Form.Email, redact.Marker
	}
	return json.Marshal(out)
}
