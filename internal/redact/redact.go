// Package redact is the one place that knows what a secret is and hides
// it: the SDK's errors and logs, the fake's recorded requests and logs and
// the CLI's output all go through a [Set].
package redact

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Marker stands in for a secret wherever a value is printed, logged or
// recorded.
const Marker = "[REDACTED]"

// MinLen is the shortest secret replaced inside longer text.
// Replacing every "a" of an error message for a one-letter password would
// make the message unreadable and hide nothing worth hiding, so a shorter
// secret is replaced only where it is a whole value: a header value, an
// error object's string or a JSON string that equals it.
const MinLen = 3

// Set hides a set of secrets (API token, password, cookie values
// sent) in what the server sends back. A server may echo a secret as it
// was sent or encoded: JSON string escapes (\u003c, \"), URL encoding
// (%3C, +), HTML character references (&lt;, &#60;), or any mix of them,
// character by character. Text holding none of the bytes those encodings
// start with (\ % & +) can only hold a secret as sent, and is searched
// for it as it is; other text is searched with a pattern matching every
// spelling, compiled on first need. Secrets shorter than MinLen are
// matched as whole values only.
//
// It is built only on the error path, so successful calls pay nothing,
// and it allocates only its rules and what it replaces: text without a
// secret is returned as it is.
type Set struct {
	rules []secretRule
	// idLen and isID hide identifiers the Set cannot list ahead, such as
	// every live session's id: runs of idLen lowercase hex digits for
	// which isID is true.
	idLen int
	isID  func(string) bool
}

type secretRule struct {
	s        string
	short    bool   // shorter than MinLen: whole values only
	triggers string // bytes an encoded spelling of s starts with
	re       *regexp.Regexp
	compiled bool
	// alphabet holds every byte a spelling of s can contain: the bytes of
	// s, '"' (a short secret is matched with its quotes) and those of the
	// encodings. A spelling lies within one run of such bytes, so the
	// pattern only runs over runs long enough to hold one; ordinary text
	// is searched at the speed of a byte loop, not of the pattern.
	alphabet byteSet
	runes    int // the shortest spelling's length
}

// byteSet is a set of bytes, 32 bytes wide so that a rule stays small.
type byteSet [4]uint64

func (s *byteSet) add(c byte)      { s[c>>6] |= 1 << (c & 63) }
func (s *byteSet) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }

// encodingAlphabet is every byte the encodings' escapes are made of.
const encodingAlphabet = `\/"%&#;+uUxX0123456789abcdefABCDEFltgmpqosbnrLTGMPQOS`

// The bytes an encoded spelling starts with: '+' (URL encoding of a
// space) only matters for a secret with a space in it.
const (
	encodingTriggers      = `\%&`
	encodingTriggersSpace = `\%&+`
)

// pattern returns the rule's pattern (quoted is for a short secret: the
// pattern then matches the secret as a whole JSON string), or nil when
// the secret cannot be a pattern (not UTF-8, or too long).
func (r *secretRule) pattern(quoted bool) *regexp.Regexp {
	if !r.compiled {
		r.compiled = true
		if utf8.ValidString(r.s) {
			p := secretPattern(r.s)
			if quoted {
				p = `"` + p + `"`
			}
			r.re, _ = regexp.Compile(p)
		}
	}
	return r.re
}

// New returns a Set hiding secrets; empty ones are ignored.
func New(secrets ...string) *Set {
	r := &Set{rules: make([]secretRule, 0, len(secrets))}
	for _, s := range secrets {
		r.Add(s)
	}
	return r
}

// Add makes s one of the secrets hidden, unless it is empty or already
// one.
func (r *Set) Add(s string) {
	if s == "" {
		return
	}
	for i := range r.rules {
		if r.rules[i].s == s {
			return
		}
	}
	rule := secretRule{s: s, short: len(s) < MinLen, triggers: encodingTriggers, runes: utf8.RuneCountInString(s)}
	if strings.IndexByte(s, ' ') >= 0 {
		rule.triggers = encodingTriggersSpace
	}
	for i := 0; i < len(s); i++ {
		rule.alphabet.add(s[i])
	}
	for i := 0; i < len(encodingAlphabet); i++ {
		rule.alphabet.add(encodingAlphabet[i])
	}
	r.rules = append(r.rules, rule)
}

// secretPattern returns a regular expression matching s spelled with any
// mix of the encodings a server may echo it in.
func secretPattern(s string) string {
	var b strings.Builder
	for _, c := range s {
		b.WriteString("(?:")
		b.WriteString(regexp.QuoteMeta(string(c)))
		if c < utf8.RuneSelf {
			writeASCIIEncodings(&b, byte(c))
		}
		// JSON \uXXXX (either case of hex digits), UTF-16 surrogate pairs
		// beyond the BMP.
		if c > 0xFFFF {
			hi, lo := utf16Pair(c)
			fmt.Fprintf(&b, `|\\u(?i:%04x)\\u(?i:%04x)`, hi, lo)
		} else {
			fmt.Fprintf(&b, `|\\u(?i:%04x)`, c)
		}
		// HTML numeric character references, decimal and hex.
		fmt.Fprintf(&b, `|&#0*%d;|&#(?i:x)0*(?i:%x);`, c, c)
		// URL encoding of each UTF-8 byte.
		if c >= utf8.RuneSelf {
			var buf [utf8.UTFMax]byte
			n := utf8.EncodeRune(buf[:], c)
			b.WriteString("|")
			for _, x := range buf[:n] {
				fmt.Fprintf(&b, `%%(?i:%02x)`, x)
			}
		}
		b.WriteString(")")
	}
	return b.String()
}

func writeASCIIEncodings(b *strings.Builder, c byte) {
	fmt.Fprintf(b, `|%%(?i:%02x)`, c)
	switch c {
	case ' ':
		b.WriteString(`|\+`)
	case '"':
		b.WriteString(`|\\"|&(?i:quot);`)
	case '\\':
		b.WriteString(`|\\\\`)
	case '/':
		b.WriteString(`|\\/`)
	case '<':
		b.WriteString(`|&(?i:lt);`)
	case '>':
		b.WriteString(`|&(?i:gt);`)
	case '&':
		b.WriteString(`|&(?i:amp);`)
	case '\'':
		b.WriteString(`|&(?i:apos);`)
	case '\b':
		b.WriteString(`|\\b`)
	case '\f':
		b.WriteString(`|\\f`)
	case '\n':
		b.WriteString(`|\\n`)
	case '\r':
		b.WriteString(`|\\r`)
	case '\t':
		b.WriteString(`|\\t`)
	}
}

func utf16Pair(c rune) (hi, lo rune) {
	c -= 0x10000
	return 0xD800 + (c>>10)&0x3FF, 0xDC00 + c&0x3FF
}

// String hides every secret in s, a piece of text the server sent. Text
// without a secret is returned as it is, without a copy.
func (r *Set) String(s string) string {
	s = r.ids(s)
	for i := range r.rules {
		if r.rules[i].short && s == r.rules[i].s {
			return Marker
		}
	}
	for i := range r.rules {
		rule := &r.rules[i]
		if rule.short || len(s) < rule.runes {
			// Every spelling takes at least a byte per character.
			continue
		}
		if !strings.ContainsAny(s, rule.triggers) {
			s = strings.ReplaceAll(s, rule.s, Marker)
			continue
		}
		if rule.holds(s) {
			s = string(rule.replaceRuns([]byte(s), false))
		}
	}
	return s
}

// Bytes hides every secret in a raw body; a short secret is hidden where
// it is a whole JSON string ("ab") or the whole body. b is copied only
// when it holds a secret.
func (r *Set) Bytes(b []byte) []byte {
	if r.isID != nil {
		if s := r.ids(string(b)); s != string(b) {
			b = []byte(s)
		}
	}
	for i := range r.rules {
		if rule := &r.rules[i]; rule.short {
			if string(b) == rule.s {
				return []byte(Marker)
			}
			b = replaceBytes(b, rule, true)
		}
	}
	for i := range r.rules {
		if rule := &r.rules[i]; !rule.short {
			b = replaceBytes(b, rule, false)
		}
	}
	return b
}

// replaceBytes hides one secret in b, copying b only when it holds it.
func replaceBytes(b []byte, rule *secretRule, quoted bool) []byte {
	if !bytes.ContainsAny(b, rule.triggers) {
		// No encoding anywhere: only the secret as sent can be there.
		lit, repl := rule.literal(quoted)
		if bytes.Contains(b, lit) {
			b = bytes.ReplaceAll(b, lit, repl)
		}
		return b
	}
	return rule.replaceRuns(b, quoted)
}

// literal returns the secret as sent and its replacement (quoted for a
// short secret, which is matched as a whole JSON string).
func (r *secretRule) literal(quoted bool) (lit, repl []byte) {
	if quoted {
		return []byte(`"` + r.s + `"`), []byte(`"` + Marker + `"`)
	}
	return []byte(r.s), []byte(Marker)
}

// nextRun returns the bounds of the first run of bytes of the rule's
// alphabet in text[from:] long enough to hold a spelling of the secret
// (start == len(text) when there is none). A spelling lies in one such
// run.
func nextRun[T string | []byte](r *secretRule, text T, from int) (start, end int) {
	for i := from; i < len(text); {
		if !r.alphabet.has(text[i]) {
			i++
			continue
		}
		start = i
		for i < len(text) && r.alphabet.has(text[i]) {
			i++
		}
		if i-start >= r.runes {
			return start, i
		}
	}
	return len(text), len(text)
}

// holds reports whether s, which has bytes an encoding starts with, holds
// the secret in any spelling: String checks first, so that text without
// the secret is not copied.
func (r *secretRule) holds(s string) bool {
	for start, end := nextRun(r, s, 0); start < len(s); start, end = nextRun(r, s, end) {
		run := s[start:end]
		if !strings.ContainsAny(run, r.triggers) {
			if strings.Contains(run, r.s) {
				return true
			}
			continue
		}
		if re := r.pattern(false); re == nil {
			if strings.Contains(run, r.s) {
				return true
			}
		} else if re.MatchString(run) {
			return true
		}
	}
	return false
}

// replaceRuns hides the secret in b, in any spelling. A spelling lies in
// one run of bytes of the rule's alphabet at least as long as the secret;
// a run holding no byte an encoding starts with can only hold the secret
// as sent. So the pattern (compiled on first need) only runs over runs
// that may hold an encoded spelling. b is copied only when something is
// replaced.
func (r *secretRule) replaceRuns(b []byte, quoted bool) []byte {
	lit, repl := r.literal(quoted)
	var out []byte
	last := 0
	for start, end := nextRun(r, b, 0); start < len(b); start, end = nextRun(r, b, end) {
		run := b[start:end]
		var re *regexp.Regexp
		if bytes.ContainsAny(run, r.triggers) {
			re = r.pattern(quoted)
		}
		var replaced []byte
		switch {
		case re == nil:
			if bytes.Contains(run, lit) {
				replaced = bytes.ReplaceAll(run, lit, repl)
			}
		case re.Match(run):
			replaced = re.ReplaceAllLiteral(run, repl)
		}
		if replaced != nil {
			out = append(out, b[last:start]...)
			out = append(out, replaced...)
			last = end
		}
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// CutTail hides the start of a secret that b, a body cut at the size
// cap, ends with: a server can place a secret across the cap so that
// only its first part is kept. A start of fewer than MinLen bytes
// is kept (it would hide ordinary text), as is one in an encoded
// spelling.
func (r *Set) CutTail(b []byte) []byte {
	b = r.cutID(b)
	for i := range r.rules {
		rule := &r.rules[i]
		if rule.short {
			continue
		}
		for k := len(rule.s) - 1; k >= MinLen; k-- {
			if bytes.HasSuffix(b, []byte(rule.s[:k])) {
				b = append(b[:len(b)-k:len(b)-k], Marker...)
				break
			}
		}
	}
	return b
}

// Header returns a copy of h with secrets hidden in every value and
// name. The whole value of every credential header (see [Credential]) is
// hidden, whatever its scheme or spelling: a Basic credential, a session
// cookie or a token the Set does not know are secrets all the same.
//
// The copy takes two allocations whatever the number of headers
// (http.Header.Clone puts every value in one slice); a value is copied
// again only when something in it is hidden.
func (r *Set) Header(h http.Header) http.Header {
	if h == nil {
		return http.Header{}
	}
	out := h.Clone()
	var renamed []string
	for k, vs := range out {
		for i, v := range vs {
			if Credential(k) {
				vs[i] = Marker
			} else {
				vs[i] = r.String(v)
			}
		}
		if r.Name(k) != k {
			renamed = append(renamed, k)
		}
	}
	for _, k := range renamed {
		key, vs := r.Name(k), out[k]
		delete(out, k)
		out[key] = append(out[key], vs...)
	}
	return out
}

// Credential reports whether a header's whole value is a credential:
// Authorization, Proxy-Authorization, Cookie and Set-Cookie, in any case.
func Credential(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie":
		return true
	}
	return false
}

// wellKnownHeader reports a header name kept as it is even when a
// secret happens to equal or be part of it (a password "Location"): the
// server sends these whatever the request held, so they reveal nothing,
// and the fields taken from them (Location, RequestID, ContentType) must
// survive.
func wellKnownHeader(k string) bool {
	switch k {
	case "Cache-Control", "Connection", "Content-Encoding", "Content-Length", "Content-Type",
		"Date", "Etag", "Location", "Request-Id", "Retry-After", "Server", "Set-Cookie",
		"Transfer-Encoding", "Vary", "Www-Authenticate", "X-Correlation-Id", "X-Request-Id", "X-Runtime":
		return true
	}
	return false
}

// Name hides secrets in a header's name: a hostile server can echo
// one there (X-Echo-<token>: 1). Names are case-insensitive, and net/http
// changes their case (X-Echo-Tok...), so the secret is matched in any
// case.
func (r *Set) Name(k string) string {
	if wellKnownHeader(k) {
		return k
	}
	for i := range r.rules {
		if r.rules[i].short && strings.EqualFold(k, r.rules[i].s) {
			return Marker
		}
	}
	k = r.String(k)
	for i := range r.rules {
		if !r.rules[i].short {
			k = replaceFold(k, r.rules[i].s)
		}
	}
	return k
}

// replaceFold replaces every ASCII-case-insensitive occurrence of secret
// in s with Marker.
func replaceFold(s, secret string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+len(secret) <= len(s); {
		if !asciiEqualFold(s[i:i+len(secret)], secret) {
			i++
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(Marker)
		i += len(secret)
		last = i
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func asciiEqualFold(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Error returns err with secrets hidden from its text. An error whose text
// holds no secret is returned as it is. One that does is replaced by an
// error with the hidden text that still matches context.Canceled and
// context.DeadlineExceeded with errors.Is and still reports Timeout: the
// original (whose text quotes the server) is not kept, since anything
// that prints an error's chain would print it.
func (r *Set) Error(err error) error {
	msg := err.Error()
	red := r.String(msg)
	if red == msg {
		return err
	}
	e := &redactedError{msg: red}
	for _, target := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, target) {
			e.wrapped = target
		}
	}
	var te interface{ Timeout() bool }
	e.timeout = errors.As(err, &te) && te.Timeout()
	return e
}

// redactedError is a transport error whose text quoted a secret.
type redactedError struct {
	msg     string
	wrapped error // a context error, or nil
	timeout bool
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.wrapped }

// Timeout reports whether the original error was a timeout.
func (e *redactedError) Timeout() bool { return e.timeout }
