package loremup_test

import (
	"context"
	"log/slog"
	"sync"
)

// captureHandler keeps each record's message for tests to count.
type captureHandler struct {
	mu    *sync.Mutex
	lines *[]string
}

func newCaptureLogger(lines *[]string) *slog.Logger {
	return slog.New(captureHandler{mu: &sync.Mutex{}, lines: lines})
}

func (h captureHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h captureHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	*h.lines = append(*h.lines, r.Message)
	return nil
}
func (h captureHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h captureHandler) WithGroup(string) slog.Handler      { return h }
