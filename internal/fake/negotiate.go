package fake

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/loremup/loremup-go/internal/wire"
)

// This file reads the parts of a request that come before its meaning:
// the request id, the body (bounded) and the API token. The rules
// themselves (token grammar, Accept, Content-Type) live in package wire.

var errBodyTooLarge = errors.New("body too large")

// readBody reads at most limit bytes of the body. A longer body gives
// errBodyTooLarge and, through http.MaxBytesReader, makes the server
// close the connection after answering instead of draining the rest.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return data, errBodyTooLarge
	}
	return data, err
}

// maxRequestIDLen is Rails' limit on an X-Request-Id it adopts.
const maxRequestIDLen = 255

// requestID adopts the client's X-Request-Id the way Rails does (word
// characters, '-' and '@' kept, at most 255), or makes a new UUID.
func requestID(given string) string {
	var b strings.Builder
	for i := 0; i < len(given) && b.Len() < maxRequestIDLen; i++ {
		c := given[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '@' {
			b.WriteByte(c)
		}
	}
	if b.Len() > 0 {
		return b.String()
	}
	u := []byte(randomHex(16))
	u[12] = '4'                       // version 4 (random)
	u[16] = "89ab"[hexValue(u[16])%4] // RFC 9562 variant
	return string(u[0:8]) + "-" + string(u[8:12]) + "-" + string(u[12:16]) + "-" + string(u[16:20]) + "-" + string(u[20:32])
}

func hexValue(c byte) byte {
	if c >= 'a' {
		return c - 'a' + 10
	}
	return c - '0'
}

// authorized reports whether the Authorization header carries the API
// token, read the way Rails reads it (see wire.ParseAuthorization).
func (h *Handler) authorized(r *http.Request) bool {
	tok, ok := wire.ParseAuthorization(r.Header.Get("Authorization"))
	return ok && h.IsAPIToken(tok)
}
