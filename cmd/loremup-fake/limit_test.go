package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Connections trickling request heads each hold up to 64 KiB until the
// header timeout: 9,000 of them took the fake to 850 MiB. Past
// --max-conns, a new connection waits until one closes.
func TestRun_MaxConnsBoundsTheConnectionsServedAtOnce(t *testing.T) {
	s := start(t, "--quiet", "--token", token, "--max-conns", "1")
	held := dial(t, s.url)
	_, err := io.WriteString(held, "GET /api/me HTTP/1.1\r\nHost: x\r\nX-Pad: aaaa") // never finished
	require.NoError(t, err)

	waiting := dial(t, s.url)
	_, err = io.WriteString(waiting, "GET /api/me HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	require.NoError(t, waiting.SetReadDeadline(time.Now().Add(300*time.Millisecond)))
	_, err = waiting.Read(make([]byte, 1))
	require.ErrorIs(t, err, os.ErrDeadlineExceeded, "served past the bound")

	require.NoError(t, held.Close())
	require.NoError(t, waiting.SetReadDeadline(time.Now().Add(10*time.Second)))
	resp, err := http.ReadResponse(bufio.NewReader(waiting), nil)
	require.NoError(t, err, "served once a slot is free")
	defer resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

// At the bound, idle keep-alive connections are closed to make room, so
// a busy test suite is not held up by connections nobody uses.
func TestRun_MaxConnsClosesIdleConnectionsToMakeRoom(t *testing.T) {
	s := start(t, "--quiet", "--token", token, "--max-conns", "1")
	idle := dial(t, s.url)
	_, err := io.WriteString(idle, "GET /api/me HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	idleReader := bufio.NewReader(idle)
	resp, err := http.ReadResponse(idleReader, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()

	next := dial(t, s.url)
	_, err = io.WriteString(next, "GET /api/me HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	require.NoError(t, next.SetReadDeadline(time.Now().Add(10*time.Second)))
	resp, err = http.ReadResponse(bufio.NewReader(next), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	require.NoError(t, idle.SetReadDeadline(time.Now().Add(10*time.Second)))
	_, err = idleReader.ReadByte()
	assert.True(t, errors.Is(err, io.EOF) || isReset(err), "the idle connection was closed: %v", err)
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}
