package control

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/loremup/loremup-go/internal/fake"
)

// The HTTP tests of the control API live in internal/controlspec, where
// every answer is validated against api/control.yaml; this one checks the
// translation into the fake's Fault, which no answer shows whole.
func TestFaultSpec_BecomesTheFakesFault(t *testing.T) {
	tests := []struct {
		name      string
		spec      FaultSpec
		want      fake.Fault
		wantTimes int
	}{
		{"status, retry-after, headers canonical, once by default",
			spec(fake.PendingFault{Fault: fake.Fault{Status: 503, RetryAfter: "0", Method: "post"}}, 0, headerValues{"x-trace": {"1"}, "X-Trace": {"2"}}),
			fake.Fault{Method: http.MethodPost, Status: 503, RetryAfter: "0", Header: http.Header{"X-Trace": {"1", "2"}}}, 1},
		{"latency in milliseconds", spec(fake.PendingFault{Times: 3}, 1500, nil),
			fake.Fault{Latency: 1500 * time.Millisecond}, 3},
		{"drop mid body with a status", spec(fake.PendingFault{Fault: fake.Fault{DropMidBody: true, Status: 200}}, 0, nil),
			fake.Fault{DropMidBody: true, Status: 200}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			field, msg := tt.spec.validate()
			assert.Empty(t, field, msg)
			f := tt.spec.Fault
			if tt.want.Header != nil {
				assert.ElementsMatch(t, tt.want.Header["X-Trace"], f.Header["X-Trace"])
				tt.want.Header, f.Header = nil, nil
			}
			assert.Equal(t, tt.want, f)
			assert.Equal(t, tt.wantTimes, tt.spec.Times)
		})
	}
	s := spec(fake.PendingFault{Fault: fake.Fault{Status: 503, Method: "delete"}}, 0, nil)
	s.validate()
	assert.Equal(t, http.MethodDelete, s.Method, "methods are upper-cased")
}

func spec(p fake.PendingFault, latencyMS int64, h headerValues) FaultSpec {
	return FaultSpec{PendingFault: p, LatencyMS: latencyMS, Headers: h}
}
