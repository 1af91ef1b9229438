package loremup

import (
	"errors"
	"net/http"
)

// maxRedirects is how many redirects the clients of HTTPClient and
// ReloginHTTPClient follow (as many as net/http's default).
const maxRedirects = 10

// HTTPClient returns an *http.Client that calls the app as sess's user:
// its Jar is sess.Jar(), so the Session's cookies go with every request to
// the Client's base URL (and nowhere else), and cookies the app sets or
// rotates are kept in the Session. It sends through the Client's own
// transport, so it shares the Client's connection pool and per-attempt
// timeout; it does not send the API token, and it does not retry.
// Redirects are followed only within the Client's origin (scheme, host,
// port): a redirect elsewhere is returned as the 3xx answer.
// Its transport errors have the Session's cookie values hidden (net/http
// quotes a malformed header an app sends, and the app may echo a
// cookie there).
//
// A Session restored without a base URL is bound to the Client's. A
// Session of another base URL keeps its cookies to itself: they are not
// sent to this Client's app.
//
// A nil sess gives a client without cookies.
func (c *Client) HTTPClient(sess *Session) *http.Client {
	hc := &http.Client{Transport: redactingTransport{c: c, rt: c.transport}, CheckRedirect: c.checkRedirect}
	if sess != nil && sess.st != nil {
		sess.st.bind(c.origin)
		hc.Jar = sess.Jar()
	}
	return hc
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

// redactingTransport hides the API token and the values of the cookies a
// request carried from the text of its transport error: net/http quotes
// a malformed header the server sent (malformed MIME header: "X-Echo
// <cookie>"), so a hostile app could make an error string show a
// session cookie.
type redactingTransport struct {
	c  *Client
	rt http.RoundTripper
}

func (t redactingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(req)
	if err != nil {
		return nil, t.c.appSecrets(req).Error(err)
	}
	return resp, nil
}
