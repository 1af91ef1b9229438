package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	token    = "tok_4f8a9c2e7b"
	email    = "ada@example.com"
	password = "s3cret-Pa55word"
)

// output is a concurrency-safe writer that hands over its first line.
type output struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	first chan string
}

func newOutput() *output { return &output{first: make(chan string, 1)} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	hadLine := bytes.IndexByte(o.buf.Bytes(), '\n') >= 0
	o.buf.Write(p)
	if i := bytes.IndexByte(o.buf.Bytes(), '\n'); !hadLine && i >= 0 {
		o.first <- string(o.buf.Bytes()[:i])
	}
	return len(p), nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// firstLine waits for the first line written to o.
func firstLine(t *testing.T, o *output, done chan int) string {
	t.Helper()
	select {
	case line := <-o.first:
		return line
	case code := <-done:
		done <- code // for whoever waits for the exit code
		t.Fatalf("run returned %d before printing its URL", code)
	case <-time.After(10 * time.Second):
		t.Fatal("no URL printed")
	}
	return ""
}

// started is a run in progress.
type started struct {
	url            string
	stdout, stderr *output
	cancel         context.CancelFunc
	done           chan int
	once           sync.Once
	code           int
}

// shutdown cancels the run's context, as a signal would, and returns its
// exit code.
func (s *started) shutdown() int {
	s.once.Do(func() {
		s.cancel()
		s.code = <-s.done
	})
	return s.code
}

// start runs the command in-process until the test ends (or stop).
func start(t *testing.T, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &started{stdout: newOutput(), stderr: newOutput(), cancel: cancel, done: make(chan int, 1)}
	go func() { s.done <- run(ctx, args, s.stdout, s.stderr) }()
	t.Cleanup(func() { s.shutdown() })
	s.url = firstLine(t, s.stdout, s.done)
	return s
}

// call sends one request with the API's headers and returns the answer.
func call(t *testing.T, method, url, tok, body string, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Token token="+tok)
	req.Header.Set("Accept", "application/vnd.api+json, application/json")
	req.Header.Set("Content-Type", "application/json")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp
}

func loginBody(email, password string) string {
	return `{"form_name":"reference_rest_api_create_sessions","form":{"email":"` + email + `","password":"` + password + `"}}`
}

// answer is a response with its body read.
type answer struct {
	*http.Response
	body []byte
}

// do sends req on a fresh connection and returns the answer, body read.
func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{resp, body}
}

// get sends a GET with the API token, Accept and the given cookies, as a
// client acting as a logged-in user would.
func get(t *testing.T, url string, cookies ...*http.Cookie) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Token token="+token)
	req.Header.Set("Accept", "application/json")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return do(t, req)
}

// loginCookie logs the test user in and returns the session cookie.
func loginCookie(t *testing.T, base string) *http.Cookie {
	t.Helper()
	resp := call(t, http.MethodPost, base+"/api/sessions", token, loginBody(email, password))
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.Len(t, resp.Cookies(), 1)
	return resp.Cookies()[0]
}

// dial opens a raw TCP connection to the server at base, closed when the
// test ends.
func dial(t *testing.T, base string) net.Conn {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	conn, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

const controlToken = "tok_control_77aa"

// controlURL waits for the second line of stdout: the control API's URL.
func controlURL(t *testing.T, s *started) string {
	t.Helper()
	require.Eventually(t, func() bool { return strings.Count(s.stdout.String(), "\n") >= 2 }, 10*time.Second, 5*time.Millisecond)
	return strings.Split(s.stdout.String(), "\n")[1]
}

// controlGet sends one GET with an Authorization header and returns the status
// and body.
func controlGet(t *testing.T, url, auth string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", auth)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

// servedListeners counts the goroutines serving a listener: run starts
// no others.
func servedListeners() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "created by github.com/loremup/loremup-go/cmd/loremup-fake.run in ") {
			n++
		}
	}
	return n
}
