package loremup_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
)

// The one proof that no SDK value holding a secret shows it: through
// every fmt verb, slog's text and JSON handlers (values nested in
// structs, groups and slices) and encoding/json.
func TestSecrets_NoValueShowsASecretPrintedLoggedOrEncoded(t *testing.T) {
	const cookie = "cookie-secret-value"
	c, mt := mockClient(t)
	mt.RegisterResponder(http.MethodPost, sessionsURL, loginOK(cookie))
	sess, err := c.Sessions.Create(context.Background(), createParams())
	require.NoError(t, err)
	mt.RegisterResponder(http.MethodPost, sessionsURL,
		jsonAPI(http.StatusUnprocessableEntity, errorDoc("422", "invalid", "password "+testPassword+" and "+testToken, "/form/password")))
	_, apiErr := c.Sessions.Create(context.Background(), createParams())
	require.Error(t, apiErr)
	p := createParams()
	badForm := p
	badForm.FormName = ""
	_, validationErr := c.Sessions.Create(context.Background(), badForm)
	require.Error(t, validationErr)
	relogin, err := c.ReloginHTTPClient(sess, p)
	require.NoError(t, err)
	d := loremup.DeleteSessionParams{FormName: deleteForm, Session: sess}

	values := map[string]any{
		"*Client": c, "Client": *c, "*SessionsService": c.Sessions, "SessionsService": *c.Sessions,
		"CreateSessionParams": p, "*CreateSessionParams": &p, "SessionForm": p.Form, "*SessionForm": &p.Form,
		"*Session": sess, "Session": *sess, "DeleteSessionParams": d, "*DeleteSessionParams": &d,
		"APIError": apiErr, "ValidationError": validationErr,
		"HTTPClient": c.HTTPClient(sess), "Jar": sess.Jar(),
		"ReloginHTTPClient": relogin, "relogin Transport": relogin.Transport,
	}
	type nested struct {
		Name   string
		Values []any
		ByName map[string]any
	}
	all := make([]any, 0, len(values))
	byName := make(map[string]any, len(values))
	for name, v := range values {
		all = append(all, v)
		byName[name] = v
	}
	values["nested"] = nested{Name: "job", Values: all, ByName: byName}
	values["slice"] = all

	var renderings []string
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
			renderings = append(renderings, name+" "+verb+": "+fmt.Sprintf(verb, v))
		}
	}
	var logged bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&logged, nil), slog.NewJSONHandler(&logged, nil)} {
		logger := slog.New(h)
		for name, v := range values {
			logger.Info("value", name, v, slog.Group("group", name, v, slog.Group("inner", name, v)), "slice", []any{v})
		}
	}
	renderings = append(renderings, logged.String())
	for name, v := range values {
		if data, err := json.Marshal(v); err == nil { // an *http.Client holds a func: not encodable
			renderings = append(renderings, name+" json: "+string(data))
		}
	}

	for _, secret := range []string{testToken, testPassword, cookie} {
		spellings := []string{secret, hex.EncodeToString([]byte(secret)), strings.ToUpper(hex.EncodeToString([]byte(secret)))}
		for _, out := range renderings {
			for _, s := range spellings {
				if strings.Contains(out, s) {
					i := strings.Index(out, s)
					t.Errorf("%q shows in %.40s: ...%s...", s, out, out[max(0, i-300):i+len(s)])
				}
			}
		}
	}
	assert.Contains(t, fmt.Sprintf("%v", p), testEmail, "the e-mail is not a secret and helps debugging")
	assert.Contains(t, fmt.Sprintf("%v", c), baseURL)
	form, err := json.Marshal(p)
	require.NoError(t, err)
	assert.JSONEq(t, `{"FormName":"`+createForm+`","Form":{"email":"`+testEmail+`","password":"[REDACTED]"}}`, string(form))
	assert.Contains(t, logged.String(), "[REDACTED]")
}
