package contracttest_test

import (
	"testing"

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
	const token, email, password = "standalone-token-1", "standalone@example.com", "standalone-pass-1"
	tg := target{baseURL: startStandaloneFake(t, token, email, password), token: token, email: email, password: password,
		createForm: loremup.ReferenceCreateFormName, deleteForm: loremup.ReferenceDeleteFormName}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, tg) })
	}
}
