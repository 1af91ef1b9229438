package loremuptest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

// A test starts a fake with a user, points a client at it, and checks
// the fake's state after each call.
func Example() {
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	defer srv.Close()

	c, err := loremup.NewClient(srv.URL, srv.Token)
	if err != nil {
		panic(err)
	}
	defer c.CloseIdleConnections()
	ctx := context.Background()

	sess, err := c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: "reference_rest_api_create_sessions",
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: "correct horse"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("logged in; active sessions:", srv.ActiveSessions())
	fmt.Println("cookie:", sess.Cookies()[0].Name)

	err = c.Sessions.Delete(ctx, loremup.DeleteSessionParams{
		FormName: "reference_rest_api_delete_sessions",
		Session:  sess,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("logged out; active sessions:", srv.ActiveSessions())
	// Output:
	// logged in; active sessions: 1
	// cookie: _loremup_session
	// logged out; active sessions: 0
}

// The fake answers a wrong password with 401 and an e-mail that is not
// an address with 422, as JSON:API error documents the SDK turns into
// typed errors.
func Example_errors() {
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	defer srv.Close()
	c, _ := loremup.NewClient(srv.URL, srv.Token)
	defer c.CloseIdleConnections()
	ctx := context.Background()

	_, err := c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: "reference_rest_api_create_sessions",
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: "wrong"},
	})
	fmt.Println("unauthorized:", errors.Is(err, loremup.ErrUnauthorized))

	_, err = c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: "reference_rest_api_create_sessions",
		Form:     loremup.SessionForm{Email: "ada", Password: "correct horse"},
	})
	var apiErr *loremup.APIError
	if errors.As(err, &apiErr) {
		e := apiErr.Errors[0]
		fmt.Println(apiErr.StatusCode, e.Code, e.Source.Pointer, e.Detail)
	}
	// Output:
	// unauthorized: true
	// 422 invalid /form/email email is not a valid address
}

// Inject makes the next requests fail: here two 503s, which the client
// retries before it gets through.
func ExampleServer_Inject() {
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	defer srv.Close()
	srv.Inject(2, loremuptest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "0"})

	c, _ := loremup.NewClient(srv.URL, srv.Token, loremup.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	defer c.CloseIdleConnections()
	_, err := c.Sessions.Create(context.Background(), loremup.CreateSessionParams{
		FormName: "reference_rest_api_create_sessions",
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: "correct horse"},
	})
	fmt.Println("error:", err)
	fmt.Println("requests:", srv.RequestCount())
	// Output:
	// error: <nil>
	// requests: 3
}

// InjectEvery fails every k-th request, for soak tests.
func ExampleServer_InjectEvery() {
	srv := loremuptest.NewServer()
	defer srv.Close()
	srv.InjectEvery(2, loremuptest.Fault{Status: http.StatusBadGateway})

	for range 4 {
		resp, err := srv.Client().Get(srv.URL + "/api/sessions")
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Print(resp.StatusCode, " ")
	}
	fmt.Println()
	// Output:
	// 404 502 404 502
}

// Any HTTP client can speak to the fake; Client returns one set up for
// it, and Requests shows what was received.
func ExampleServer_Client() {
	srv := loremuptest.NewServer(loremuptest.WithToken("my-token"))
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/api/sessions",
		strings.NewReader(`{"form_name": "reference_rest_api_delete_sessions"}`))
	req.Header.Set("Authorization", `Token token="my-token"`)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	fmt.Println(resp.Status)
	fmt.Println(srv.Requests()[0].Method, srv.Requests()[0].Path)
	// Output:
	// 204 No Content
	// DELETE /api/sessions
}

// Handle mounts a stand-in for one of the app's own endpoints behind the
// session check, so a test can call the app as a logged-in user; a
// request without a live session cookie gets 401, as from a Rails app.
func ExampleServer_Handle() {
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	defer srv.Close()
	srv.Handle("GET /api/me", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		email, _ := loremuptest.SessionUser(r)
		fmt.Fprintf(w, "hello %s", email)
	}))

	c, _ := loremup.NewClient(srv.URL, srv.Token)
	defer c.CloseIdleConnections()
	sess, err := c.Sessions.Create(context.Background(), loremup.CreateSessionParams{
		FormName: "reference_rest_api_create_sessions",
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: "correct horse"},
	})
	if err != nil {
		panic(err)
	}

	get := func() string {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/me", nil)
		req.Header.Set("Authorization", "Token token="+srv.Token) // checked on every endpoint, as Rails does
		req.Header.Set("Accept", "application/json")
		for _, ck := range sess.Cookies() {
			req.AddCookie(ck)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return resp.Status
		}
		return string(body)
	}
	fmt.Println(get())
	fmt.Println("expired:", srv.ExpireSessions("ada@example.com"))
	fmt.Println(get())
	// Output:
	// hello ada@example.com
	// expired: 1
	// 401 Unauthorized
}
