package fake

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/loremup/loremup-go/internal/wire"
)

// This file reads what comes before a request's meaning: its id, its
// body (bounded) and its API token; package wire holds the rules.

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
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6], u[8] = u[6]&0x0f|0x40, u[8]&0x3f|0x80 // version 4, RFC 9562 variant
	x := hex.EncodeToString(u[:])
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// authorized reports whether an Authorization value carries the API
// token, read the way Rails reads it (see wire.ParseAuthorization).
func (h *Handler) authorized(auth string) bool {
	tok, ok := wire.ParseAuthorization(auth)
	return ok && h.IsAPIToken(tok)
}
