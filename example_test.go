package loremup_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

// The examples run against the fake server, so they run offline and their
// output is checked by go test.

func ExampleNewClient() {
	srv := loremuptest.NewServer()
	defer srv.Close()

	c, err := loremup.NewClient(srv.URL, srv.Token,
		loremup.WithMaxRetries(2),
		loremup.WithUserAgent("my-tool/1.0"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.BaseURL() == srv.URL)

	// Input that can never work fails at once, naming the field.
	_, err = loremup.NewClient("http://app.example.com", srv.Token)
	var ve *loremup.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Field)
	// Output:
	// true
	// true baseURL
}

func ExampleSessionsService_Create() {
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	defer srv.Close()
	c, _ := loremup.NewClient(srv.URL, srv.Token)

	sess, err := c.Sessions.Create(context.Background(), loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: "correct horse"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ck := range sess.Cookies() {
		fmt.Println("cookie:", ck.Name) // its value is a credential: don't print it
	}
	data, _ := json.Marshal(sess) // encoding a Session hides cookie values
	fmt.Println(strings.Replace(string(data), srv.URL, "URL", 1))
	fmt.Println("active sessions:", srv.ActiveSessions())
	// Output:
	// cookie: _loremup_session
	// {"origin":"URL","cookies":[{"name":"_loremup_session","value":"[REDACTED]"}],"redacted":true}
	// active sessions: 1
}

func ExampleSessionsService_Delete() {
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	defer srv.Close()
	c, _ := loremup.NewClient(srv.URL, srv.Token)
	ctx := context.Background()
	sess, _ := c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: "correct horse"},
	})

	err := c.Sessions.Delete(ctx, loremup.DeleteSessionParams{
		FormName: loremup.ReferenceDeleteFormName,
		Session:  sess, // nil would end the client's one live login, if it has only one
	})
	fmt.Println(err, srv.ActiveSessions())

	// Logging out again is not an error: the server answers 204.
	err = c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: loremup.ReferenceDeleteFormName, Session: sess})
	fmt.Println(err)
	// Output:
	// <nil> 0
	// <nil>
}

func ExampleAPIError() {
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	defer srv.Close()
	c, _ := loremup.NewClient(srv.URL, srv.Token)
	ctx := context.Background()

	_, err := c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "not-an-address", Password: "correct horse"},
	})
	var apiErr *loremup.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, errors.Is(err, loremup.ErrUnprocessableEntity))
		for _, e := range apiErr.Errors {
			fmt.Println(e.Source.Pointer, e.Detail)
		}
	}

	_, err = c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: "wrong"},
	})
	fmt.Println(errors.Is(err, loremup.ErrUnauthorized))
	// Output:
	// 422 true
	// /form/email email is not a valid address
	// true
}

func ExampleWithLogger() {
	srv := loremuptest.NewServer(loremuptest.WithUser("ada@example.com", "correct horse"))
	defer srv.Close()
	srv.Inject(1, loremuptest.Fault{Status: 503, RetryAfter: "0"})

	// Drop the time and the variable attributes so the output is stable.
	drop := map[string]bool{"time": true, "elapsed": true}
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if drop[a.Key] {
				return slog.Attr{}
			}
			return a
		},
	}))
	c, _ := loremup.NewClient(srv.URL, srv.Token, loremup.WithLogger(logger))

	_, _ = c.Sessions.Create(context.Background(), loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "ada@example.com", Password: "correct horse"},
	})
	// Output:
	// level=DEBUG msg="loremup: request" method=POST path=/api/sessions attempt=1
	// level=DEBUG msg="loremup: retrying" attempt=1 status=503
	// level=DEBUG msg="loremup: request" method=POST path=/api/sessions attempt=2
	// level=DEBUG msg="loremup: response" method=POST path=/api/sessions status=201 attempts=2
}
