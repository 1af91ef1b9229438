package fake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRecord_OffUnlessAskedButAlwaysCounted(t *testing.T) {
	h := newTestHandler(t, Config{})
	serve(h, http.MethodGet, "/", "")
	assert.Empty(t, h.Requests())
	assert.Equal(t, 1, h.RequestCount())

	on := newTestHandler(t, Config{RecordRequests: true})
	serve(on, http.MethodGet, "/on", "")
	got := on.Requests()
	require.Len(t, got, 1)
	assert.Equal(t, "/on", got[0].Path)
	assert.Equal(t, 1, on.RequestCount())
}

func TestRecord_BoundsWhatOneRequestKeeps(t *testing.T) {
	h := newTestHandler(t, Config{RecordRequests: true, MaxBodyBytes: 4 * MaxRecordedBodyBytes})
	r := httptest.NewRequest(http.MethodPost, "/"+strings.Repeat("p", 2*MaxRecordedHeaderBytes), strings.NewReader(strings.Repeat("b", 2*MaxRecordedBodyBytes)))
	r.Header.Set("Authorization", "Token token="+testToken)
	r.Header.Set("X-Big", strings.Repeat("h", MaxRecordedHeaderBytes))
	h.ServeHTTP(httptest.NewRecorder(), r)

	got := h.Requests()
	require.Len(t, got, 1)
	req := got[0]
	assert.True(t, req.Truncated)
	assert.LessOrEqual(t, len(req.Method)+len(req.Path)+headerBytes(req.Header), MaxRecordedHeaderBytes)
	assert.Len(t, req.Body, MaxRecordedBodyBytes)
	assert.Equal(t, "Token token="+testToken, req.Header.Get("Authorization"), "headers within the bound are kept")
	assert.Empty(t, req.Header.Get("X-Big"), "a header past the bound is left out whole")

	small := httptest.NewRequest(http.MethodGet, "/small", nil)
	small.Header.Set("Accept", "application/json")
	h.ServeHTTP(httptest.NewRecorder(), small)
	assert.False(t, h.Requests()[1].Truncated)
	assert.Equal(t, "application/json", h.Requests()[1].Header.Get("Accept"))
}

// Anyone who can connect could make the fake keep every large request:
// 1,500 requests with big headers and bodies must stay within the total
// bound, by the recorder's own accounting.
func TestRecord_BoundsWhatAllRequestsKeep(t *testing.T) {
	const requests = 1500
	h := newTestHandler(t, Config{RecordRequests: true})
	bigHeader := strings.Repeat("h", 60<<10)
	bigBody := strings.Repeat("b", DefaultMaxBodyBytes)
	for i := range requests {
		r := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/r/%d", i), strings.NewReader(bigBody))
		r.Header.Set("X-Big-1", bigHeader)
		r.Header.Set("X-Big-2", bigHeader)
		h.ServeHTTP(httptest.NewRecorder(), r)
	}

	kept := h.record.recordedBytes()
	t.Logf("kept %d requests, %d bytes (bound %d)", len(h.Requests()), kept, MaxRecordedBytes)
	assert.LessOrEqual(t, kept, MaxRecordedBytes)
	assert.Positive(t, kept)
	got := h.Requests()
	sum := 0
	for i := range got {
		sum += got[i].size()
	}
	assert.Equal(t, kept, sum, "the accounting matches what is kept")
	assert.Equal(t, fmt.Sprintf("/r/%d", requests-1), got[len(got)-1].Path, "the latest are kept")
	assert.Equal(t, requests, h.RequestCount())
}

func TestRecord_DroppingOldRequestsKeepsOrder(t *testing.T) {
	h := newTestHandler(t, Config{RecordRequests: true})
	for i := range 3 * MaxRecorded {
		h.record.add(newRequest(httptest.NewRequest(http.MethodGet, fmt.Sprintf("/r/%d", i), nil), nil))
	}
	got := h.Requests()
	require.Len(t, got, MaxRecorded)
	assert.Equal(t, fmt.Sprintf("/r/%d", 2*MaxRecorded), got[0].Path)
	assert.Equal(t, fmt.Sprintf("/r/%d", 3*MaxRecorded-1), got[MaxRecorded-1].Path)
	assert.LessOrEqual(t, cap(h.record.queue), 3*MaxRecorded, "the queue is compacted, not grown forever")
}

// recordedBytes is the recorder's own accounting of what it keeps.
func (rc *recorder) recordedBytes() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.bytes
}
