package benchmarks

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/loremup/loremup-go/benchmarks/internal/benchkit"
)

// seen is the part of a request the comparison must keep equal.
type seen struct {
	Method, Path, Authorization, Accept, ContentType, UserAgent, Cookie, Body string
}

// recorder answers like OKHandler and keeps what it was sent.
type recorder struct {
	mu   sync.Mutex
	reqs []seen
	ok   http.Handler
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, seen{
		Method: r.Method, Path: r.URL.Path,
		Authorization: r.Header.Get("Authorization"), Accept: r.Header.Get("Accept"),
		ContentType: r.Header.Get("Content-Type"), UserAgent: r.Header.Get("User-Agent"),
		Cookie: r.Header.Get("Cookie"), Body: string(body),
	})
	rec.mu.Unlock()
	rec.ok.ServeHTTP(w, r)
}

func (rec *recorder) take(t *testing.T) seen {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(rec.reqs))
	}
	s := rec.reqs[0]
	rec.reqs = nil
	return s
}

// TestSameRequest checks that every client under comparison sends the
// SDK's request byte for byte (headers that matter and body), so the
// benchmarks compare equal work.
func TestSameRequest(t *testing.T) {
	rec := &recorder{ok: benchkit.OKHandler()}
	srv := benchkit.NewServer(rec)
	defer srv.Close()
	tr := benchkit.TunedTransport()
	defer tr.CloseIdleConnections()
	sdk, err := benchkit.NewSDK(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer sdk.CloseIdleConnections()
	ctx := context.Background()

	sess, err := sdk.Sessions.Create(ctx, benchkit.CreateParams)
	if err != nil {
		t.Fatal(err)
	}
	want := rec.take(t)
	if want.Authorization != benchkit.AuthValue || want.Accept != benchkit.Accept || want.Cookie != "" {
		t.Fatalf("SDK sent %+v", want)
	}
	creators := map[string]func(context.Context) ([]*http.Cookie, error){
		"handwritten":   benchkit.NewHandwritten(srv.SessionsURL(), tr).Create,
		"retryablehttp": benchkit.NewRetryable(srv.SessionsURL(), tr).Create,
		"resty":         benchkit.NewResty(srv.SessionsURL(), tr).Create,
	}
	for name, create := range creators {
		cookies, err := create(ctx)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(cookies) != 1 || cookies[0].Name != benchkit.CookieName {
			t.Errorf("%s: cookies %v", name, cookies)
		}
		if got := rec.take(t); got != want {
			t.Errorf("%s sent\n%+v\nthe SDK sent\n%+v", name, got, want)
		}
	}

	// Logout: the SDK and the hand-written pair send the same. The cookie
	// is read first: a logged-out Session holds no live session cookie.
	cookies := sess.Cookies()
	sent := cookies[0]
	if err := sdk.Sessions.Delete(ctx, benchkit.DeleteParams(sess)); err != nil {
		t.Fatal(err)
	}
	wantDel := rec.take(t)
	if wantDel.Method != http.MethodDelete || wantDel.Cookie != sent.Name+"="+sent.Value {
		t.Fatalf("SDK logout sent %+v", wantDel)
	}
	h := benchkit.NewHandwritten(srv.SessionsURL(), tr)
	if err := h.Delete(ctx, cookies); err != nil {
		t.Fatal(err)
	}
	if got := rec.take(t); got != wantDel {
		t.Errorf("hand-written logout sent\n%+v\nthe SDK sent\n%+v", got, wantDel)
	}
}
