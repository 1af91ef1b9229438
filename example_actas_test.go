package loremup_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

// exampleApp is a fake LoremUp app with one user and one endpoint of its
// own, GET /api/me, which answers the logged-in user's e-mail.
func exampleApp(opts ...loremuptest.Option) *loremuptest.Server {
	srv := loremuptest.NewServer(append(opts, loremuptest.WithUser("ada@example.com", "correct horse"))...)
	srv.Handle("GET /api/me", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		email, _ := loremuptest.SessionUser(r)
		fmt.Fprint(w, email)
	}))
	return srv
}

var exampleLogin = loremup.CreateSessionParams{
	FormName: loremup.ReferenceCreateFormName,
	Form:     loremup.SessionForm{Email: "ada@example.com", Password: "correct horse"},
}

// printMe calls the app's GET /api/me with hc and prints the answer.
func printMe(hc *http.Client, baseURL string) {
	resp, err := hc.Get(baseURL + "/api/me")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
}

// An app that re-issues its session cookie on every answer, as a Devise
// app does: the *http.Client from [loremup.Client.HTTPClient] keeps each
// new cookie in the Session, so the next request and the logout
// ([loremup.SessionsService.Delete]) send the current one. It sends the
// API token and Accept to the app too, so the caller adds no headers.
func ExampleClient_HTTPClient_rotatedCookies() {
	srv := exampleApp(loremuptest.WithCookieRotation())
	defer srv.Close()
	ctx := context.Background()
	c, err := loremup.NewClient(srv.URL, srv.Token)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.CloseIdleConnections()
	sess, err := c.Sessions.Create(ctx, exampleLogin)
	if err != nil {
		fmt.Println(err)
		return
	}

	hc := c.HTTPClient(sess)
	printMe(hc, c.BaseURL()) // the answer sets a new cookie, and retires this one
	printMe(hc, c.BaseURL()) // sent with the new cookie

	err = c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: loremup.ReferenceDeleteFormName, Session: sess})
	fmt.Println("logged out:", err == nil, "active sessions:", srv.ActiveSessions())
	// Output:
	// 200 ada@example.com
	// 200 ada@example.com
	// logged out: true active sessions: 0
}

// A long-running program's session ends on the server (it expired, an
// admin ended it). The client from [loremup.Client.ReloginHTTPClient]
// logs the user in again on the app's 401 and repeats the request, so the
// program goes on; [loremup.SessionsService.Delete] then ends the current
// login.
func ExampleClient_ReloginHTTPClient() {
	srv := exampleApp()
	defer srv.Close()
	ctx := context.Background()
	c, err := loremup.NewClient(srv.URL, srv.Token)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.CloseIdleConnections()
	sess, err := c.Sessions.Create(ctx, exampleLogin)
	if err != nil {
		fmt.Println(err)
		return
	}

	hc, err := c.ReloginHTTPClient(sess, exampleLogin) // holds the password, never prints it
	if err != nil {
		fmt.Println(err)
		return
	}
	printMe(hc, c.BaseURL())
	fmt.Println("sessions ended on the server:", srv.ExpireSessions())
	printMe(hc, c.BaseURL()) // a 401, a new login, the request again

	err = c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: loremup.ReferenceDeleteFormName, Session: sess})
	fmt.Println("logged out:", err == nil, "active sessions:", srv.ActiveSessions())
	// Output:
	// 200 ada@example.com
	// sessions ended on the server: 1
	// 200 ada@example.com
	// logged out: true active sessions: 0
}

// A command-line tool logs in once and keeps the session in a file
// between runs, as a browser keeps its cookies. [loremup.Session.Export]
// is the one way to write a Session's cookie values, so the file is a
// credential: write it with mode 0600 and delete it after logging out.
// [encoding/json.Marshal] of a Session writes cookie names only.
func ExampleSession_Export() {
	srv := exampleApp()
	defer srv.Close()
	ctx := context.Background()
	c, err := loremup.NewClient(srv.URL, srv.Token)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.CloseIdleConnections()
	sess, err := c.Sessions.Create(ctx, exampleLogin)
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, err := os.MkdirTemp("", "loremup-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "ada.session")

	data, err := sess.Export() // cookie values and base URL included
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("saved for", sess.BaseURL() == srv.URL)
	// Output:
	// saved for true
}

// A later run reads the file back with [loremup.ImportSession] and goes
// on as the user, then logs out with the restored Session. Restored
// cookies are checked as a login's are.
func ExampleImportSession() {
	srv := exampleApp()
	defer srv.Close()
	ctx := context.Background()
	c, err := loremup.NewClient(srv.URL, srv.Token)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.CloseIdleConnections()
	first, err := c.Sessions.Create(ctx, exampleLogin)
	if err != nil {
		fmt.Println(err)
		return
	}
	data, err := first.Export() // what an earlier run wrote to its file
	if err != nil {
		fmt.Println(err)
		return
	}

	sess, err := loremup.ImportSession(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	printMe(c.HTTPClient(sess), c.BaseURL())
	err = c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: loremup.ReferenceDeleteFormName, Session: sess})
	fmt.Println("logged out:", err == nil, sess.Ended(), "active sessions:", srv.ActiveSessions())

	_, err = loremup.ImportSession([]byte(`{"cookies":[{"name":"x=1; admin","value":"v"}]}`))
	fmt.Println("a tampered file is refused:", err != nil)
	// Output:
	// 200 ada@example.com
	// logged out: true true active sessions: 0
	// a tampered file is refused: true
}
