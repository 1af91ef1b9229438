package loremup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"

	"github.com/loremup/loremup-go/internal/wire"
)

// This file is acting as the user: the *http.Client of HTTPClient, and the
// one of ReloginHTTPClient, which also logs the user in again.

// maxRedirects is how many redirects the clients of HTTPClient and
// ReloginHTTPClient follow (as many as net/http's default).
const maxRedirects = 10

// HTTPClient returns an *http.Client that calls the app as sess's user:
// the Session's cookies go with every request to the Client's base URL
// (and nowhere else), as a browser would send them, and cookies the app
// sets or rotates are kept in the Session (as through [Session.Jar]). An
// answer that arrives after the Session ended never puts cookies back
// into it, nor does one to a request sent under a login that a re-login
// (see [Client.ReloginHTTPClient]) has since replaced. Do not give it a
// Jar: it sends and keeps the Session's cookies itself.
//
// A Rails app checks the API token and Accept on every endpoint, so
// requests to the Client's origin (scheme, host, port) carry
// "Authorization: Token token=<api token>" and the API's Accept, each
// unless the request sets its own. Requests to any other origin carry
// neither, also after a redirect. Redirects are followed only within the
// Client's origin: a redirect elsewhere is returned as the 3xx answer.
//
// It sends through the Client's own transport, so it shares the Client's
// connection pool and per-attempt timeout; it does not retry. Its errors
// have the API token and the Session's cookie values hidden, whichever
// layer made them (net/http quotes a malformed header or Location an app
// sends, and the app may echo a cookie there).
//
// A Session restored without a base URL is used with the Client's, and
// stays as it is. A Session of another base URL keeps its cookies to
// itself: they are not sent to this Client's app. A nil sess gives a
// client without cookies.
func (c *Client) HTTPClient(sess *Session) *http.Client {
	if sess == nil || sess.st == nil {
		return &http.Client{Transport: appTransport{c: c}, CheckRedirect: c.checkRedirect}
	}
	return &http.Client{Transport: &userTransport{c: c, st: sess.st}, CheckRedirect: c.checkRedirect}
}

// ReloginHTTPClient returns an *http.Client for long-running programs that
// act as a user: it calls the app as [Client.HTTPClient] does, and when
// the app answers 401 Unauthorized to a request made with sess, it logs
// the user in again with p, swaps the new login's cookies into the same
// Session (which stays the one to log out), and repeats the request once.
//
// It works as golang.org/x/oauth2's Transport over a ReuseTokenSource
// does for tokens: however many goroutines meet the 401 at once, one
// login runs and the others wait for it. The login belongs to no single
// request: cancelling the request that started it fails no other waiter,
// and each waiter is bounded by its own request's context (the login by
// the Client's timeouts and retries). A request that was sent before a
// re-login that has since finished is repeated with the new cookies
// without logging in again, and its late answer never replaces the new
// login's cookies.
//
// A re-login the app refuses with 401 or 422 (the password changed, the
// account is locked) is final for this client: every later request
// returns that error at once, matching [ErrUnauthorized] or
// [ErrUnprocessableEntity], and no login is sent again, so the client
// never locks an account by retrying a wrong password.
//
// Limits, so that a broken app cannot cause a storm of logins: at most
// one re-login per request; each re-login spends one retry from the
// Client's retry budget (see [RetryBudget]), and when the budget is dry
// the 401 is returned. A request is repeated only when its body can be
// replayed (no body, or http.Request.GetBody set, as http.NewRequest does
// for in-memory bodies); otherwise the 401 is returned, after the
// re-login, so the next request succeeds. When the login fails, the
// request returns its error (an [*APIError], or a transport or context
// error). Do not give the client a Jar: it sends and keeps the Session's
// cookies itself. Whoever needs an http.RoundTripper takes its Transport.
//
// It holds the user's password: printing the client or its transport
// shows neither the password nor cookie values.
//
// Errors: a [*ValidationError] naming Session (nil, or of another base
// URL), FormName, Form.Email or Form.Password (empty, or not UTF-8).
// Nothing is sent.
func (c *Client) ReloginHTTPClient(sess *Session, p CreateSessionParams) (*http.Client, error) {
	if sess == nil || sess.st == nil {
		return nil, invalid("Session", "session must not be nil: log in with Sessions.Create first")
	}
	if !sess.st.belongsTo(c.origin) {
		return nil, invalid("Session", "the session belongs to another base URL than this client's")
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	t := &userTransport{c: c, st: sess.st, params: p, relogs: true}
	return &http.Client{Transport: t, CheckRedirect: c.checkRedirect}, nil
}

// checkRedirect follows redirects within the Client's origin only.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return errors.New("loremup: stopped after 10 redirects")
	}
	if !c.origin.sameOrigin(req.URL) {
		return http.ErrUseLastResponse
	}
	return nil
}

// appTransport sends a request to the app on the Client's transport. To
// the Client's origin it adds the API token and Accept where the request
// has none. It hides the API token and the values of the cookies the
// request carried from its error and from the answer's Location: net/http
// quotes a malformed header or an unparsable Location in the error it
// returns (above this transport), so a hostile app could make an error
// string show a session cookie.
type appTransport struct {
	c *Client
}

func (t appTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.c.origin.sameOrigin(req.URL) && (req.Header.Get("Authorization") == "" || req.Header.Get("Accept") == "") {
		out := req.Clone(req.Context())
		if out.Header.Get("Authorization") == "" {
			out.Header.Set("Authorization", t.c.auth)
		}
		if out.Header.Get("Accept") == "" {
			out.Header.Set("Accept", wire.Accept)
		}
		req = out
	}
	resp, err := t.c.transport.RoundTrip(req)
	if err != nil {
		return nil, t.c.appSecrets(req).Error(err)
	}
	if locs := resp.Header["Location"]; len(locs) > 0 {
		red := t.c.appSecrets(req)
		for i, loc := range locs {
			locs[i] = red.String(loc)
		}
	}
	return resp, nil
}

// Format prints the transport without the Client's API token, for every
// verb: fmt prints the fields of a struct it reaches through a pointer
// with %s or %q, unexported ones included, and without their Format.
func (t appTransport) Format(f fmt.State, _ rune) {
	fmt.Fprint(f, "loremup.appTransport{}")
}

// userTransport is the transport of HTTPClient and of ReloginHTTPClient,
// which sets relogs and the parameters to log in again with.
type userTransport struct {
	c      *Client
	st     *sessionState
	params CreateSessionParams
	relogs bool

	mu       sync.Mutex
	inflight *reloginCall
	refused  error // a re-login the app refused: final
}

// reloginCall is one login that goroutines wait on.
type reloginCall struct {
	done chan struct{}
	err  error
}

func (t *userTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	refused := t.refused
	t.mu.Unlock()
	if refused != nil {
		closeBody(req)
		return nil, refused
	}
	resp, gen, err := t.send(req, req.Body)
	if err != nil {
		return nil, err
	}
	if !t.relogs || resp.StatusCode != http.StatusUnauthorized || !t.st.belongsTo(t.c.origin) || !t.c.origin.contains(req.URL) {
		return resp, nil
	}
	if err := t.relogin(req.Context(), gen); err != nil {
		drainAndClose(resp.Body, t.c.maxResponseBytes)
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
	drainAndClose(resp.Body, t.c.maxResponseBytes)
	resp, _, err = t.send(req, body)
	if err == nil && resp.StatusCode != http.StatusUnauthorized {
		t.c.budget.refund()
	}
	return resp, err
}

// send sends a copy of req with body and the Session's cookies (after
// any the request carries), and keeps the cookies the answer sets unless
// a newer login replaced the ones it was sent with. gen is that login.
func (t *userTransport) send(req *http.Request, body io.ReadCloser) (*http.Response, uint64, error) {
	cookies, gen := t.st.requestCookies(t.c.origin, req.URL)
	out := req.Clone(req.Context())
	out.Body = body
	if len(cookies) > 0 {
		h := cookieHeader(cookies)
		if prev := req.Header.Get("Cookie"); prev != "" {
			h = prev + "; " + h
		}
		out.Header.Set("Cookie", h)
	}
	resp, err := appTransport{c: t.c}.RoundTrip(out)
	if err != nil {
		return nil, gen, err
	}
	if set := resp.Cookies(); len(set) > 0 {
		t.st.setCookies(t.c.origin, req.URL, set, gen)
	}
	return resp, gen, nil
}

// relogin logs in again unless a re-login finished since the request
// was sent (the Session has seen a newer login than sentWith), joining one
// that is running. The login runs apart from ctx's cancellation, so that
// the request that started it cannot fail the others waiting on it.
func (t *userTransport) relogin(ctx context.Context, sentWith uint64) error {
	t.mu.Lock()
	if t.refused != nil {
		t.mu.Unlock()
		return t.refused
	}
	if t.st.generation() != sentWith {
		t.mu.Unlock()
		return nil
	}
	call := t.inflight
	if call == nil {
		call = &reloginCall{done: make(chan struct{})}
		t.inflight = call
		go t.login(context.WithoutCancel(ctx), call)
	}
	t.mu.Unlock()
	select {
	case <-call.done:
		return call.err
	case <-ctx.Done():
		return fmt.Errorf("loremup: wait for a new login: %w", ctx.Err())
	}
}

func (t *userTransport) login(ctx context.Context, call *reloginCall) {
	err := t.loginOnce(ctx)
	t.mu.Lock()
	t.inflight = nil
	if errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrUnprocessableEntity) {
		t.refused = err
	}
	call.err = err
	t.mu.Unlock()
	close(call.done)
}

func (t *userTransport) loginOnce(ctx context.Context) error {
	if !t.c.budget.spend() {
		return fmt.Errorf("loremup: log in again after 401: %w", ErrRetryBudgetExhausted)
	}
	fresh, err := t.c.Sessions.Create(ctx, t.params)
	if err != nil {
		return fmt.Errorf("loremup: log in again after 401: %w", err)
	}
	t.st.swap(fresh.st)
	if t.c.logger != nil {
		t.c.log(ctx, "loremup: logged in again after 401", slog.String("email", t.params.Form.Email))
	}
	return nil
}

// Format prints the transport with the password and cookie values
// hidden, for every verb (see appTransport.Format).
func (t *userTransport) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "loremup.userTransport{Session: %v, Params: %v}", Session{st: t.st}, t.params)
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
