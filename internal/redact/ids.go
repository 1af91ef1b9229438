package redact

import "strings"

// AddIDs makes the Set hide identifiers it cannot list ahead: every run of
// n lowercase hex digits for which isID is true, such as the fake's live
// session ids, which come and go while a recording is kept. A text cut at
// a bound that ends in a shorter run of hex digits is hidden by
// [Set.CutTail], since that run may be the start of one.
func (r *Set) AddIDs(n int, isID func(string) bool) {
	r.idLen, r.isID = n, isID
}

func isHexDigit(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' }

// ids hides the identifiers of AddIDs in s; s comes back as it is when it
// holds none.
func (r *Set) ids(s string) string {
	if r.isID == nil || len(s) < r.idLen {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !isHexDigit(s[i]) {
			i++
			continue
		}
		end := i
		for end < len(s) && isHexDigit(s[end]) {
			end++
		}
		for i+r.idLen <= end { // only runs long enough to hold an id
			if !r.isID(s[i : i+r.idLen]) {
				i++
				continue
			}
			b.WriteString(s[last:i])
			b.WriteString(Marker)
			i += r.idLen
			last = i
		}
		i = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// cutID hides a run of hex digits that b, cut at a bound, ends with, when
// it is too short to be checked as a whole id but long enough to be the
// start of one.
func (r *Set) cutID(b []byte) []byte {
	if r.isID == nil {
		return b
	}
	n := 0
	for n < len(b) && isHexDigit(b[len(b)-1-n]) {
		n++
	}
	if n < MinLen || n >= r.idLen {
		return b
	}
	return append(b[:len(b)-n:len(b)-n], Marker...)
}
