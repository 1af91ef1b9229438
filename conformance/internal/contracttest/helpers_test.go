package contracttest_test

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"mime"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/conformance/internal/apispec"
	"github.com/loremup/loremup-go/internal/secrettest"
	"github.com/loremup/loremup-go/loremuptest"
)

// startStandaloneFake builds cmd/loremup-fake, starts it on a free
// loopback port with one account and the given token, and returns its
// base URL. The process is stopped when the test ends.
func startStandaloneFake(t *testing.T, token, email, password string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build cmd/loremup-fake with")
	}
	bin := filepath.Join(t.TempDir(), "loremup-fake")
	out, err := exec.Command(goTool, "build", "-o", bin, "github.com/loremup/loremup-go/cmd/loremup-fake").CombinedOutput()
	require.NoError(t, err, "%s", out)

	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--token", token, "--user", email+":"+password, "--quiet")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Scan()
		first <- sc.Text()
	}()
	select {
	case baseURL := <-first:
		require.NotEmpty(t, baseURL, "loremup-fake printed an empty first line")
		return baseURL
	case <-time.After(30 * time.Second):
		t.Fatal("loremup-fake printed no URL")
		return ""
	}
}

// fakeTarget starts a fresh loremuptest server for one scenario.
func fakeTarget(opts ...loremuptest.Option) func(t *testing.T) target {
	return func(t *testing.T) target {
		t.Helper()
		const email, password = "contract@example.com", "contract-pass-1"
		srv := loremuptest.NewServer(append([]loremuptest.Option{loremuptest.WithUser(email, password)}, opts...)...)
		t.Cleanup(srv.Close)
		return target{baseURL: srv.URL, token: srv.Token, email: email, password: password,
			createForm: loremup.ReferenceCreateFormName, deleteForm: loremup.ReferenceDeleteFormName, fake: srv}
	}
}

func realTarget(t *testing.T) target {
	t.Helper()
	tg := target{
		baseURL: os.Getenv("LOREMUP_BASE_URL"), token: os.Getenv("LOREMUP_API_TOKEN"),
		email: os.Getenv("LOREMUP_EMAIL"), password: os.Getenv("LOREMUP_PASSWORD"),
		createForm: cmp.Or(os.Getenv("LOREMUP_CREATE_FORM"), loremup.ReferenceCreateFormName),
		deleteForm: cmp.Or(os.Getenv("LOREMUP_DELETE_FORM"), loremup.ReferenceDeleteFormName),
	}
	if tg.baseURL == "" || tg.token == "" || tg.email == "" || tg.password == "" {
		t.Skip("set LOREMUP_BASE_URL, LOREMUP_API_TOKEN, LOREMUP_EMAIL and LOREMUP_PASSWORD to run the suite against a real app")
	}
	return tg
}

func newEnv(t *testing.T, tg target, token string) *env {
	t.Helper()
	v, err := apispec.New()
	require.NoError(t, err)
	vt := v.Transport(nil)
	guard := secrettest.New(t, tg.token, tg.password)
	c, err := loremup.NewClient(tg.baseURL, token,
		loremup.WithHTTPClient(&http.Client{Transport: vt, Timeout: 30 * time.Second}),
		loremup.WithLogger(guard.Logger()),
		loremup.WithRetryWait(10*time.Millisecond, time.Second))
	require.NoError(t, err)
	e := &env{target: tg, client: c, vt: vt, guard: guard}
	t.Cleanup(func() {
		vt.CloseIdleConnections()
		if tg.fake != nil {
			// The fake must answer exactly as the description says. A real
			// app's undocumented error bodies may differ: report, don't fail.
			assert.Empty(t, vt.Errors(), "exchanges that break api/openapi.yaml")
		} else {
			for _, err := range vt.Errors() {
				t.Log("differs from api/openapi.yaml:", err)
			}
		}
		assert.Positive(t, vt.Exchanges(), "the scenario talked to the server")
	})
	return e
}

// rawLogin sends a login by hand (not through the SDK), so that a bug the
// SDK and the fake share cannot hide, and logs out what it logged in.
func rawLogin(t *testing.T, tg target, authorization, accept string) int {
	t.Helper()
	body := `{"form_name":"` + tg.createForm + `","form":{"email":"` + tg.email + `","password":"` + tg.password + `"}}`
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost,
		strings.TrimRight(tg.baseURL, "/")+"/api/sessions", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", authorization)
	req.Header.Set("Accept", accept)
	req.Header.Set("Content-Type", "application/json")
	hc := &http.Client{Timeout: 30 * time.Second}
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	require.NoError(t, err)
	// Drained, so the connection goes back to the pool and is closed with it.
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode == http.StatusCreated {
		c, err := loremup.NewClient(tg.baseURL, tg.token, loremup.WithHTTPClient(hc))
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		var sess loremup.Session
		require.NoError(t, sess.UnmarshalJSON(cookiesJSON(resp.Cookies())))
		assert.NoError(t, c.Sessions.Delete(context.Background(), loremup.DeleteSessionParams{FormName: tg.deleteForm, Session: &sess}))
	}
	return resp.StatusCode
}

// cookiesJSON is a Session's JSON form holding these cookies, so that a
// raw login can be logged out through the SDK.
func cookiesJSON(cookies []*http.Cookie) []byte {
	type cookie struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	var doc struct {
		Cookies []cookie `json:"cookies"`
	}
	for _, c := range cookies {
		doc.Cookies = append(doc.Cookies, cookie{c.Name, c.Value})
	}
	b, _ := json.Marshal(doc)
	return b
}

// assertNamesField checks that a 422 names the field: some error object
// points at it. A real app's pointer may have any prefix (/form/email,
// /data/attributes/email, /email); the fake's is exactly /form/<field>.
func assertNamesField(t *testing.T, tg target, apiErr *loremup.APIError, field string) {
	t.Helper()
	var pointers []string
	for _, o := range apiErr.Errors {
		if o.Source != nil && o.Source.Pointer != "" {
			pointers = append(pointers, o.Source.Pointer)
		}
	}
	named := false
	for _, p := range pointers {
		named = named || p == field || strings.HasSuffix(p, "/"+field)
	}
	assert.True(t, named, "no error object points at %q; pointers: %q", field, pointers)
	if tg.fake != nil {
		for _, p := range pointers {
			assert.Equal(t, "/form/"+field, p, "the fake's pointers")
		}
	}
}

// requireAPIError checks what every server promises for a documented
// error: its status, its sentinel, no retry. Against the fake it also
// checks the fake's own choices: a request id and a JSON:API error object
// titled with the status text.
func requireAPIError(t *testing.T, tg target, err error, status int, sentinel error) *loremup.APIError {
	t.Helper()
	require.ErrorIs(t, err, sentinel)
	var apiErr *loremup.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, status, apiErr.StatusCode)
	assert.Equal(t, 1, apiErr.Attempts, "documented errors are not retried")
	if tg.fake != nil {
		assert.NotEmpty(t, apiErr.RequestID)
		if assert.NotEmpty(t, apiErr.Errors) && status != http.StatusUnauthorized {
			assert.Equal(t, http.StatusText(status), apiErr.Errors[0].Title)
		}
	}
	return apiErr
}

func statusOr(resp *http.Response, err error) any {
	if err != nil {
		return err
	}
	return resp.Status
}

// mediaType is a Content-Type without its parameters, plus whether it
// names a charset, for side-by-side notes.
func mediaType(ct string) string {
	if ct == "" {
		return "-"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return ct
	}
	if cs, ok := params["charset"]; ok {
		return mt + ";charset=" + strings.ToLower(cs)
	}
	return mt
}

// topLevelTests lists the Test functions of this package's test files.
func topLevelTests(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*_test.go")
	require.NoError(t, err)
	var names []string
	fset := token.NewFileSet()
	for _, f := range files {
		parsed, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		for _, d := range parsed.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if ok && fd.Recv == nil && strings.HasPrefix(fd.Name.Name, "Test") && fd.Name.Name != "TestMain" {
				names = append(names, fd.Name.Name)
			}
		}
	}
	require.Contains(t, names, "TestContract")
	return names
}
