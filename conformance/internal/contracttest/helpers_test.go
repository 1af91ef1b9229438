package contracttest_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// startStandaloneFake builds cmd/loremup-fake, starts it on a free
// loopback port with one account and the given token, and returns its
// base URL. The process is stopped when the test ends.
func startStandaloneFake(t *testing.T, token, email, password string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build cmd/loremup-fake with")
	}
	bin := filepath.Join(t.TempDir(), "loremup-fake")
	out, err := exec.Command(goTool, "build", "-o", bin, "github.com/loremup/loremup-go/cmd/loremup-fake").CombinedOutput()
	require.NoError(t, err, "%s", out)

	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--token", token, "--user", email+":"+password, "--quiet")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Scan()
		first <- sc.Text()
	}()
	select {
	case baseURL := <-first:
		require.NotEmpty(t, baseURL, "loremup-fake printed an empty first line")
		return baseURL
	case <-time.After(30 * time.Second):
		t.Fatal("loremup-fake printed no URL")
		return ""
	}
}
