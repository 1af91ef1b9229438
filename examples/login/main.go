// Command login logs a user in and out of a LoremUp app with the loremup
// SDK, printing each step.
//
//	go run ./examples/login
//
// With no environment it starts the SDK's fake server (loremuptest) in
// process and uses a demo user, so it works offline. To talk to a real
// app, set all four of LOREMUP_BASE_URL, LOREMUP_API_TOKEN, LOREMUP_EMAIL
// and LOREMUP_PASSWORD; LOREMUP_CREATE_FORM and LOREMUP_DELETE_FORM
// override the form names.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout, os.Getenv)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "login example:", err)
		os.Exit(1)
	}
}

// target is where to log in, and as whom.
type target struct {
	baseURL, token, email, password string
	createForm, deleteForm          string
}

func run(ctx context.Context, out io.Writer, getenv func(string) string) error {
	t, cleanup, err := chooseTarget(out, getenv)
	if err != nil {
		return err
	}
	defer cleanup()

	c, err := loremup.NewClient(t.baseURL, t.token)
	if err != nil {
		return err
	}
	defer c.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	fmt.Fprintf(out, "2. logging in %s (form %q)\n", t.email, t.createForm)
	sess, err := c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: t.createForm,
		Form:     loremup.SessionForm{Email: t.email, Password: t.password},
	})
	if err != nil {
		return explain(err)
	}
	var names []string
	for _, ck := range sess.Cookies() {
		names = append(names, ck.Name) // values are credentials: never print them
	}
	fmt.Fprintf(out, "   logged in; the session is held in cookie(s): %s\n", strings.Join(names, ", "))

	fmt.Fprintf(out, "3. logging out (form %q)\n", t.deleteForm)
	if err := c.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: t.deleteForm, Session: sess}); err != nil {
		return explain(err)
	}
	fmt.Fprintln(out, "   logged out")
	fmt.Fprintln(out, "done")
	return nil
}

// chooseTarget reads the environment, or starts the fake server when none
// of it is set.
func chooseTarget(out io.Writer, getenv func(string) string) (target, func(), error) {
	t := target{
		baseURL:    getenv("LOREMUP_BASE_URL"),
		token:      getenv("LOREMUP_API_TOKEN"),
		email:      getenv("LOREMUP_EMAIL"),
		password:   getenv("LOREMUP_PASSWORD"),
		createForm: cmp.Or(getenv("LOREMUP_CREATE_FORM"), loremup.ReferenceCreateFormName),
		deleteForm: cmp.Or(getenv("LOREMUP_DELETE_FORM"), loremup.ReferenceDeleteFormName),
	}
	set := 0
	for _, v := range []string{t.baseURL, t.token, t.email, t.password} {
		if v != "" {
			set++
		}
	}
	switch set {
	case 4:
		fmt.Fprintf(out, "1. using the server at %s\n", t.baseURL)
		return t, func() {}, nil
	case 0:
		t.email, t.password = "demo@example.com", "demo-password"
		srv := loremuptest.NewServer(loremuptest.WithUser(t.email, t.password))
		t.baseURL, t.token = srv.URL, srv.Token
		fmt.Fprintf(out, "1. no LOREMUP_* environment: started the fake server at %s\n", srv.URL)
		return t, srv.Close, nil
	default:
		return t, nil, errors.New("set all of LOREMUP_BASE_URL, LOREMUP_API_TOKEN, LOREMUP_EMAIL and LOREMUP_PASSWORD, or none to use the fake server")
	}
}

// explain adds what to do about the documented failures.
func explain(err error) error {
	var apiErr *loremup.APIError
	switch {
	case errors.Is(err, loremup.ErrUnauthorized):
		return fmt.Errorf("%w\n   check LOREMUP_API_TOKEN, LOREMUP_EMAIL and LOREMUP_PASSWORD", err)
	case errors.Is(err, loremup.ErrNotAcceptable):
		return fmt.Errorf("%w\n   check the form names (LOREMUP_CREATE_FORM, LOREMUP_DELETE_FORM)", err)
	case errors.Is(err, loremup.ErrUnprocessableEntity):
		return fmt.Errorf("%w\n   the server rejected a value; see the pointer above", err)
	case errors.As(err, &apiErr) && apiErr.Location != "":
		return fmt.Errorf("%w\n   a redirect usually means LOREMUP_BASE_URL is wrong", err)
	}
	return err
}
