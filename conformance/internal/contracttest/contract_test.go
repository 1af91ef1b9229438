package contracttest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/conformance/internal/apispec"
	"github.com/loremup/loremup-go/internal/secrettest"
	"github.com/loremup/loremup-go/loremuptest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// target is a server the suite runs against, and a user it can log in.
type target struct {
	baseURL, token, email, password string
	createForm, deleteForm          string
	fake                            *loremuptest.Server // nil for a real app
}

// env is one scenario's view of a target: a client whose every exchange
// is checked against api/openapi.yaml, and a guard against leaked secrets.
type env struct {
	target
	client *loremup.Client
	vt     *apispec.ValidatingTransport
	guard  *secrettest.Guard
}

func (e *env) login(ctx context.Context, email, password string) (*loremup.Session, error) {
	sess, err := e.client.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: e.createForm, Form: loremup.SessionForm{Email: email, Password: password}})
	e.guard.Check(sess, err)
	return sess, err
}

func (e *env) logout(ctx context.Context, sess *loremup.Session) error {
	err := e.client.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: e.deleteForm, Session: sess})
	e.guard.Check(err)
	return err
}

// activeSessions reports the fake's live sessions; -1 on a real app.
func (e *env) activeSessions() int {
	if e.fake == nil {
		return -1
	}
	return e.fake.ActiveSessions()
}

type scenario struct {
	name string
	run  func(t *testing.T, tg target)
}

var scenarios = []scenario{
	{"login then logout", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		ctx := context.Background()
		before := e.activeSessions()
		sess, err := e.login(ctx, tg.email, tg.password)
		require.NoError(t, err)
		assert.NotEmpty(t, sess.Cookies(), "a session is carried by cookies")
		if before >= 0 {
			assert.Equal(t, before+1, e.activeSessions())
		}
		cookies := sess.Cookies() // a logout ends the Session and drops them
		require.NoError(t, e.logout(ctx, sess))
		if before >= 0 {
			assert.Equal(t, before, e.activeSessions())
		}
		if tg.fake == nil {
			return
		}
		// What went over the wire, as the fake recorded it.
		assert.True(t, sess.Ended())
		require.Len(t, cookies, 1)
		assert.Equal(t, loremuptest.SessionCookieName, cookies[0].Name)
		assert.JSONEq(t, `{}`, string(sess.Body()))
		reqs := tg.fake.Requests()
		require.Len(t, reqs, 2)
		for _, r := range reqs {
			assert.Equal(t, "Token token="+tg.token, r.Header.Get("Authorization"))
			assert.Equal(t, "application/vnd.api+json, application/json", r.Header.Get("Accept"))
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		}
		assert.Equal(t, http.MethodPost, reqs[0].Method)
		assert.Equal(t, http.MethodDelete, reqs[1].Method)
		assert.Equal(t, cookies[0].Name+"="+cookies[0].Value, reqs[1].Header.Get("Cookie"), "logout sends the session's cookie")
	}},
	{"logout is idempotent", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		ctx := context.Background()
		sess, err := e.login(ctx, tg.email, tg.password)
		require.NoError(t, err)
		require.NoError(t, e.logout(ctx, sess))
		assert.NoError(t, e.logout(ctx, sess), "logging out an ended session is still 2xx")
	}},
	{"logout without a session", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		assert.NoError(t, e.logout(context.Background(), nil))
	}},
	{"the client's latest login is logged out by a nil session", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		ctx := context.Background()
		_, err := e.login(ctx, tg.email, tg.password)
		require.NoError(t, err)
		before := e.activeSessions()
		require.NoError(t, e.logout(ctx, nil))
		if before >= 0 {
			assert.Equal(t, before-1, e.activeSessions())
		}
	}},
	{"401 for an unknown API token", func(t *testing.T, tg target) {
		e := newEnv(t, tg, "not-the-token-"+strings.Repeat("x", 8))
		_, err := e.login(context.Background(), tg.email, tg.password)
		require.ErrorIs(t, err, loremup.ErrUnauthorized)
		assert.ErrorIs(t, e.logout(context.Background(), nil), loremup.ErrUnauthorized)
	}},
	{"401 for a wrong password", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		_, err := e.login(context.Background(), tg.email, tg.password+"-wrong")
		_ = requireAPIError(t, tg, err, http.StatusUnauthorized, loremup.ErrUnauthorized)
	}},
	{"401 for an unknown user", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		_, err := e.login(context.Background(), "nobody-"+time.Now().Format("150405")+"@example.com", tg.password)
		_ = requireAPIError(t, tg, err, http.StatusUnauthorized, loremup.ErrUnauthorized)
	}},
	{"406 for an unknown form name", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		_, err := e.client.Sessions.Create(context.Background(), loremup.CreateSessionParams{
			FormName: "no_such_form_configuration", Form: loremup.SessionForm{Email: tg.email, Password: tg.password}})
		apiErr := requireAPIError(t, tg, err, http.StatusNotAcceptable, loremup.ErrNotAcceptable)
		if tg.fake != nil {
			require.NotEmpty(t, apiErr.Errors)
			require.NotNil(t, apiErr.Errors[0].Source)
			assert.Equal(t, "/form_name", apiErr.Errors[0].Source.Pointer)
		}
		err = e.client.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: "no_such_form_configuration"})
		_ = requireAPIError(t, tg, err, http.StatusNotAcceptable, loremup.ErrNotAcceptable)
	}},
	{"422 for an e-mail that is not an address", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		_, err := e.login(context.Background(), "not-an-address", tg.password)
		apiErr := requireAPIError(t, tg, err, http.StatusUnprocessableEntity, loremup.ErrUnprocessableEntity)
		assertNamesField(t, tg, apiErr, "email")
	}},
	{"422 for a blank password", func(t *testing.T, tg target) {
		e := newEnv(t, tg, tg.token)
		_, err := e.login(context.Background(), tg.email, "   ")
		apiErr := requireAPIError(t, tg, err, http.StatusUnprocessableEntity, loremup.ErrUnprocessableEntity)
		if tg.fake != nil {
			assertNamesField(t, tg, apiErr, "password")
		}
	}},
	{"checks come in the documented order", func(t *testing.T, tg target) {
		// An unknown token wins over a bad form name and a bad e-mail;
		// a bad form name wins over a bad e-mail; a bad e-mail wins over
		// unknown credentials.
		ctx := context.Background()
		bad := newEnv(t, tg, "not-the-token-yyyyyyyy")
		_, err := bad.client.Sessions.Create(ctx, loremup.CreateSessionParams{
			FormName: "no_such_form_configuration", Form: loremup.SessionForm{Email: "nope", Password: "x"}})
		_ = requireAPIError(t, tg, err, http.StatusUnauthorized, loremup.ErrUnauthorized)
		e := newEnv(t, tg, tg.token)
		_, err = e.client.Sessions.Create(ctx, loremup.CreateSessionParams{
			FormName: "no_such_form_configuration", Form: loremup.SessionForm{Email: "nope", Password: "x"}})
		_ = requireAPIError(t, tg, err, http.StatusNotAcceptable, loremup.ErrNotAcceptable)
		_, err = e.login(ctx, "nope", "x")
		_ = requireAPIError(t, tg, err, http.StatusUnprocessableEntity, loremup.ErrUnprocessableEntity)
	}},
	{"the quoted token form is accepted", func(t *testing.T, tg target) {
		status := rawLogin(t, tg, `Token token="`+tg.token+`"`, "application/json")
		assert.Equal(t, http.StatusCreated, status)
	}},
	{"406 when Accept admits neither JSON nor JSON:API", func(t *testing.T, tg target) {
		status := rawLogin(t, tg, "Token token="+tg.token, "text/html")
		assert.Equal(t, http.StatusNotAcceptable, status)
	}},
}

func TestContract(t *testing.T) {
	for _, kind := range []struct {
		name string
		get  func(*testing.T) target
	}{
		{"fake", fakeTarget()},
		{"fake under a path prefix", fakeTarget(loremuptest.WithPathPrefix("/tenant"))},
		{"real", realTarget},
	} {
		t.Run(kind.name, func(t *testing.T) {
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) { sc.run(t, kind.get(t)) })
			}
		})
	}
}
