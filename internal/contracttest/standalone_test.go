package contracttest_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go"
)

// TestContract_RealModeAgainstStandaloneFake runs the suite the way it runs
// against a real app (another process, nothing to inspect but HTTP), with
// cmd/loremup-fake as that app: the real-app path of the suite is itself
// tested, and so is the standalone fake.
func TestContract_RealModeAgainstStandaloneFake(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build cmd/loremup-fake with")
	}
	bin := filepath.Join(t.TempDir(), "loremup-fake")
	out, err := exec.Command(goTool, "build", "-o", bin, "github.com/loremup/loremup-go/cmd/loremup-fake").CombinedOutput()
	require.NoError(t, err, "%s", out)

	const token, email, password = "standalone-token-1", "standalone@example.com", "standalone-pass-1"
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-token", token, "-user", email+":"+password, "-quiet")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Scan()
		first <- sc.Text()
	}()
	var baseURL string
	select {
	case baseURL = <-first:
	case <-time.After(30 * time.Second):
		t.Fatal("loremup-fake printed no URL")
	}
	require.NotEmpty(t, baseURL)

	tg := target{baseURL: baseURL, token: token, email: email, password: password,
		createForm: loremup.ReferenceCreateFormName, deleteForm: loremup.ReferenceDeleteFormName}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, tg) })
	}
}
