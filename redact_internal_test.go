package loremup

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedactor_HeaderCopiesAndHidesOnlyWhatHoldsASecret(t *testing.T) {
	r := newRedactor([]string{"tok_4f8a9c2e7b"})
	h := http.Header{
		"Content-Type":     {"application/json"},
		"Www-Authenticate": {`Token realm="Application"`, "Token tok%5F4f8a9c2e7b"},
		"Set-Cookie":       {"_loremup_session=abc; Path=/; HttpOnly"},
		"X-Request-Id":     {"req-1"},
	}
	want := http.Header{
		"Content-Type":     {"application/json"},
		"Www-Authenticate": {`Token realm="Application"`, "Token " + redacted},
		"Set-Cookie":       {"_loremup_session=" + redacted + "; Path=/; HttpOnly"},
		"X-Request-Id":     {"req-1"},
	}
	orig := h.Clone()
	got := r.Header(h)
	assert.Equal(t, want, got)
	assert.Equal(t, orig, h, "the answer's own headers are left alone")

	got["X-Request-Id"] = append(got["X-Request-Id"], "more")
	assert.Equal(t, []string{"application/json"}, got["Content-Type"], "values of one header do not share room with another's")

	assert.Equal(t, http.Header{}, r.Header(nil))
}
