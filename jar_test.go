package loremup_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
)

// memJar is a cookie jar that counts how often it is written.
type memJar struct {
	*cookiejar.Jar
	sets int
}

func newMemJar() *memJar {
	j, _ := cookiejar.New(nil)
	return &memJar{Jar: j}
}

func (j *memJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	j.sets++
	j.Jar.SetCookies(u, cookies)
}
