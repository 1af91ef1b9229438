package loremup

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

// redacted stands in for a secret wherever a value is printed or logged.
const redacted = "[REDACTED]"

// minSecretLen is the shortest secret replaced inside longer text.
// Replacing every "a" of an error message for a one-letter password would
// make the message unreadable and hide nothing worth hiding, so a shorter
// secret is replaced only where it is a whole value: a header value, an
// error object's string or a JSON string that equals it.
const minSecretLen = 3

// redactor hides a call's secrets (API token, password, cookie values
// sent) in what the server sends back. A server may echo a secret as it
// was sent or encoded: JSON string escapes (\u003c, \"), URL encoding
// (%3C, +), HTML character references (&lt;, &#60;), or any mix of them,
// character by character. Text holding none of the bytes those encodings
// start with (\ % & +) can only hold a secret as sent, and is searched
// for it as it is; other text is searched with a pattern matching every
// spelling, compiled on first need. Secrets shorter than minSecretLen are
// matched as whole values only.
//
// It is built only on the error path, so successful calls pay nothing.
type redactor struct {
	long  []*secretRule // anywhere in the text
	short []*secretRule // whole values only
}

type secretRule struct {
	s        string
	triggers string // bytes an encoded spelling of s starts with
	re       *regexp.Regexp
	compiled bool
	// alphabet holds every byte a spelling of s can contain: the bytes of
	// s, '"' (a short secret is matched with its quotes) and those of the
	// encodings. A spelling lies within one run of such bytes, so the
	// pattern only runs over runs long enough to hold one; ordinary text
	// is searched at the speed of a byte loop, not of the pattern.
	alphabet [256]bool
	runes    int // the shortest spelling's length
}

// encodingAlphabet is every byte the encodings' escapes are made of.
const encodingAlphabet = `\/"%&#;+uUxX0123456789abcdefABCDEFltgmpqosbnrLTGMPQOS`

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

func newRedactor(secrets []string) *redactor {
	r := &redactor{}
	seen := make(map[string]bool, len(secrets))
	for _, s := range secrets {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		rule := &secretRule{s: s, triggers: `\%&`, runes: utf8.RuneCountInString(s)}
		if strings.IndexByte(s, ' ') >= 0 {
			rule.triggers += "+"
		}
		for _, set := range []string{s, encodingAlphabet} {
			for i := 0; i < len(set); i++ {
				rule.alphabet[set[i]] = true
			}
		}
		if len(s) < minSecretLen {
			r.short = append(r.short, rule)
		} else {
			r.long = append(r.long, rule)
		}
	}
	return r
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

// String hides every secret in s, a piece of text the server sent.
func (r *redactor) String(s string) string {
	for _, rule := range r.short {
		if s == rule.s {
			return redacted
		}
	}
	for _, rule := range r.long {
		if !strings.ContainsAny(s, rule.triggers) {
			s = strings.ReplaceAll(s, rule.s, redacted)
			continue
		}
		s = string(rule.replaceRuns([]byte(s), false))
	}
	return s
}

// Bytes hides every secret in a raw body; a short secret is hidden where
// it is a whole JSON string ("ab") or the whole body.
func (r *redactor) Bytes(b []byte) []byte {
	for _, rule := range r.short {
		if string(b) == rule.s {
			return []byte(redacted)
		}
		b = replaceBytes(b, rule, true)
	}
	for _, rule := range r.long {
		b = replaceBytes(b, rule, false)
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
		return []byte(`"` + r.s + `"`), []byte(`"` + redacted + `"`)
	}
	return []byte(r.s), []byte(redacted)
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
	for i := 0; i < len(b); {
		if !r.alphabet[b[i]] {
			i++
			continue
		}
		start := i
		for i < len(b) && r.alphabet[b[i]] {
			i++
		}
		run := b[start:i]
		if len(run) < r.runes {
			continue
		}
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
			last = i
		}
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// Object hides secrets in a parsed error object. A JSON pointer's
// reference tokens that name a member of the request or of a JSON:API
// document ("/form/email", "/data/attributes/password") say where the
// error is, not what was sent, and are kept even when a secret happens to
// equal them; any other token holding a secret is hidden.
func (r *redactor) Object(o *ErrorObject) {
	o.Status = r.String(o.Status)
	o.Code = r.String(o.Code)
	o.Title = r.String(o.Title)
	o.Detail = r.String(o.Detail)
	if o.Source != nil {
		o.Source.Pointer = r.pointer(o.Source.Pointer)
		o.Source.Parameter = r.String(o.Source.Parameter)
		o.Source.Header = r.String(o.Source.Header)
	}
}

func (r *redactor) pointer(p string) string {
	if p == "" || r.String(p) == p {
		return p
	}
	tokens := strings.Split(p, "/")
	for i, tok := range tokens {
		if !structuralToken(tok) {
			tokens[i] = r.String(tok)
		}
	}
	return strings.Join(tokens, "/")
}

// structuralToken reports whether a pointer token names a member of the
// login or logout body or of a JSON:API document, or is an array index.
func structuralToken(tok string) bool {
	switch tok {
	case "", "form_name", "form", "email", "password", "data", "attributes":
		return true
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return false
		}
	}
	return true
}

// Header returns a copy of h with secrets hidden in every value, and the
// value of every cookie the answer sets hidden too: a session cookie is a
// credential wherever it comes from.
func (r *redactor) Header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		red := make([]string, len(vs))
		for i, v := range vs {
			if k == "Set-Cookie" {
				v = redactSetCookie(v)
			}
			red[i] = r.String(v)
		}
		key := r.headerName(k)
		out[key] = append(out[key], red...)
	}
	return out
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

// headerName hides secrets in a header's name: a hostile server can echo
// one there (X-Echo-<token>: 1). Names are case-insensitive, and net/http
// changes their case (X-Echo-Tok...), so the secret is matched in any
// case.
func (r *redactor) headerName(k string) string {
	if wellKnownHeader(k) {
		return k
	}
	for _, rule := range r.short {
		if strings.EqualFold(k, rule.s) {
			return redacted
		}
	}
	k = r.String(k)
	for _, rule := range r.long {
		k = replaceFold(k, rule.s)
	}
	return k
}

// replaceFold replaces every ASCII-case-insensitive occurrence of secret
// in s with redacted.
func replaceFold(s, secret string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+len(secret) <= len(s); {
		if !asciiEqualFold(s[i:i+len(secret)], secret) {
			i++
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(redacted)
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

// redactSetCookie hides the value of a Set-Cookie header, keeping the
// cookie's name and attributes.
func redactSetCookie(v string) string {
	eq := strings.IndexByte(v, '=')
	if eq < 0 {
		return v
	}
	end := strings.IndexByte(v, ';')
	if end < 0 {
		return v[:eq+1] + redacted
	}
	if end < eq {
		return v
	}
	return v[:eq+1] + redacted + v[end:]
}

// Error returns err with secrets hidden from its text. An error whose text
// holds no secret is returned as it is. One that does is replaced by an
// error with the hidden text that still matches context.Canceled and
// context.DeadlineExceeded with errors.Is and still reports Timeout: the
// original (whose text quotes the server) is not kept, since anything
// that prints an error's chain would print it.
func (r *redactor) Error(err error) error {
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
