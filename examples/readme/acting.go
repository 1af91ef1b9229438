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

// actAsUser is the complete function the README's "Acting as the user"
// links to: log in, call one of the app's own endpoints as the user, log
// out (also a login whose answer was cut), reporting every error.
func actAsUser(ctx context.Context, c *loremup.Client, password string) (me string, err error) {
	sess, err := c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: password},
	})
	if sess != nil {
		defer func() {
			logoutErr := c.Sessions.Delete(ctx, loremup.DeleteSessionParams{
				FormName: loremup.ReferenceDeleteFormName,
				Session:  sess,
			})
			err = errors.Join(err, logoutErr)
		}()
	}
	if err != nil {
		return "", err
	}

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

// quickstartActing is the README's Quickstart with its "Acting as the
// user" snippet in place of the last comment, as that section says.
func quickstartActing(ctx context.Context) (err error) {
	c, err := loremup.NewClient(os.Getenv("LOREMUP_BASE_URL"), os.Getenv("LOREMUP_API_TOKEN"))
	if err != nil {
		return err // a bad URL or token: nothing was sent
	}
	sess, err := c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: os.Getenv("LOREMUP_EMAIL"), Password: os.Getenv("LOREMUP_PASSWORD")},
	})
	if sess != nil { // even with an error: a 201 whose body was cut is still a login
		defer func() {
			err = errors.Join(err, c.Sessions.Delete(ctx, loremup.DeleteSessionParams{
				FormName: loremup.ReferenceDeleteFormName,
				Session:  sess,
			}))
		}()
	}
	if err != nil {
		return err
	}
	fmt.Println("logged in, session cookies:", len(sess.Cookies()))
	hc := c.HTTPClient(sess) // the Session's cookies go to this app only
	resp, err := hc.Get(c.BaseURL() + "/api/me")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	fmt.Println("GET /api/me:", resp.Status)
	return nil
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
