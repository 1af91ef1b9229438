package control

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/loremup/loremup-go/internal/fake"
)

// handle is the ID the control API shows for a session cookie value: a
// handle derived from it, never the value itself (the cookie is a
// credential, and a handle is enough to end the session).
func handle(cookieValue string) string {
	sum := sha256.Sum256([]byte(cookieValue))
	return hex.EncodeToString(sum[:8])
}

func (c *Handler) sessions(r *http.Request, limit int) any {
	email := strings.ToLower(r.URL.Query().Get("email"))
	out := struct {
		Total    int            `json:"total"`
		Sessions []fake.Session `json:"sessions"`
	}{Sessions: []fake.Session{}}
	for _, s := range c.fake.Sessions() {
		if email != "" && s.Email != email {
			continue
		}
		out.Total++
		if len(out.Sessions) < limit {
			s.ID, s.Created = handle(s.ID), s.Created.UTC()
			out.Sessions = append(out.Sessions, s)
		}
	}
	return out
}

// endSessions ends every session, or one user's (?email=).
func (c *Handler) endSessions(w http.ResponseWriter, r *http.Request) {
	var emails []string
	if q := r.URL.Query(); q.Has("email") {
		if q.Get("email") == "" {
			writeError(w, http.StatusBadRequest, "invalid", "email", "email must not be empty; leave it out to end every session")
			return
		}
		emails = []string{q.Get("email")}
	}
	writeJSON(w, http.StatusOK, map[string]int{"ended": c.fake.ExpireSessions(emails...)})
}

func (c *Handler) endSession(w http.ResponseWriter, id string) {
	for _, s := range c.fake.Sessions() {
		if handle(s.ID) == id && c.fake.EndSession(s.ID) {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeError(w, http.StatusNotFound, "not_found", "id", "no live session has this id")
}
