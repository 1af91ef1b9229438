package readme

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/loremup/loremup-go"
)

// actAsUser is the README's "Acting as the user" snippet: log in, call one
// of the app's own endpoints as the user, log out.
func actAsUser(ctx context.Context, c *loremup.Client, password string) (me string, err error) {
	sess, err := c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: password},
	})
	if err != nil {
		return "", err
	}
	defer func() {
		logoutErr := c.Sessions.Delete(ctx, loremup.DeleteSessionParams{
			FormName: loremup.ReferenceDeleteFormName,
			Session:  sess,
		})
		err = errors.Join(err, logoutErr)
	}()

	hc := c.HTTPClient(sess) // the Session's cookies go to this app only
	resp, err := hc.Get(c.BaseURL() + "/api/me")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET /api/me: %s", resp.Status)
	}
	return string(body), err
}

// worker is the README's re-login snippet: a long-running program whose
// session may expire on the server.
func worker(c *loremup.Client, sess *loremup.Session, password string) (*http.Client, error) {
	hc, err := c.ReloginHTTPClient(sess, loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: password},
	})
	if err != nil {
		return nil, err // nothing was sent
	}
	// A 401 from the app makes hc log ada in again (once, however many
	// goroutines share hc), swap the new cookies into sess and repeat
	// the request; a later Delete of sess ends the current login.
	return hc, nil
}

// keepSession is the README's snippet on keeping a Session between runs.
func keepSession(sess *loremup.Session, path string) (*loremup.Session, error) {
	data, err := sess.Export() // cookie values included: a credential
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return nil, err
	}
	// ... a later run:
	data, err = os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return loremup.ImportSession(data)
}
