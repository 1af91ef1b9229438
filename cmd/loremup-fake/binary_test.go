package main

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBinary builds the command and runs it as other languages' tests
// will: as a process, reading its URL from stdout and stopping it with a
// signal.
func TestBinary(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("signals are POSIX")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build the command with")
	}
	bin := filepath.Join(t.TempDir(), "loremup-fake")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run("serves, then exits 0 on "+sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--token", token, "--user", email+":"+password)
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			t.Cleanup(func() { _ = cmd.Process.Kill() }) // only if the test failed before Wait

			lines := make(chan string, 1)
			go func() {
				sc := bufio.NewScanner(stdout)
				first := ""
				if sc.Scan() {
					first = sc.Text()
				}
				lines <- first
				for sc.Scan() { // anything more on stdout is a failure
					lines <- sc.Text()
				}
				close(lines)
			}()
			var url string
			select {
			case url = <-lines:
			case <-time.After(20 * time.Second):
				t.Fatal("no URL on stdout")
			}
			require.Regexp(t, `^http://127\.0\.0\.1:\d+$`, url)

			resp := call(t, http.MethodPost, url+"/api/sessions", token, loginBody(email, password))
			assert.Equal(t, http.StatusCreated, resp.StatusCode)

			require.NoError(t, cmd.Process.Signal(sig))
			require.NoError(t, cmd.Wait(), "exit code 0; stderr: %s", stderr.String())
			var rest []string
			for l := range lines {
				rest = append(rest, l)
			}
			assert.Empty(t, rest, "stdout holds only the URL")
			assert.Contains(t, stderr.String(), "status=201")
			assert.NotContains(t, stderr.String(), password)
			assert.NotContains(t, stderr.String(), token)
		})
	}

	t.Run("bad flag exits 2 with a message", func(t *testing.T) {
		cmd := exec.Command(bin, "--bogus")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exitErr *exec.ExitError
		require.ErrorAs(t, err, &exitErr)
		assert.Equal(t, exitUsage, exitErr.ExitCode())
		assert.Empty(t, stdout.String())
		assert.Equal(t, "loremup-fake: unknown flag --bogus (see loremup-fake --help)\n", stderr.String())
	})

	t.Run("busy port exits 1 with a message", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer ln.Close()

		cmd := exec.Command(bin, "--addr", ln.Addr().String())
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err = cmd.Run()
		var exitErr *exec.ExitError
		require.ErrorAs(t, err, &exitErr)
		assert.Equal(t, exitServe, exitErr.ExitCode())
		assert.Empty(t, stdout.String())
		assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "%q", stderr.String())
		assert.Contains(t, stderr.String(), "loremup-fake: cannot listen: listen tcp "+ln.Addr().String())
	})
}
