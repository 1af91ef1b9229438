#!/usr/bin/env bash
# Builds a fresh consumer module that imports loremup and loremuptest (the
# repository replaces the published module) and checks how many modules
# its `go list -m all` lists: what a user's module graph gains by
# depending on loremup-go. Tools and tests that need more (the OpenAPI
# checks, the conformance suite) live in the conformance module instead.
#
# Usage: scripts/consumer-graph.sh [MAX]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
max=${1:-15}
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/go.mod" <<MOD
module example.com/consumer

go 1.23

require github.com/loremup/loremup-go v0.0.0-00010101000000-000000000000

replace github.com/loremup/loremup-go => $repo
MOD
cat >"$work/main.go" <<'GO'
// Command consumer uses the SDK and its fake, as a user's module would.
package main

import (
	"context"
	"fmt"

	"github.com/loremup/loremup-go"
	"github.com/loremup/loremup-go/loremuptest"
)

func main() {
	srv := loremuptest.NewServer(loremuptest.WithUser("a@example.com", "pw"))
	defer srv.Close()
	c, err := loremup.NewClient(srv.URL, srv.Token)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = c.Sessions.Create(context.Background(), loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: "a@example.com", Password: "pw"},
	})
	fmt.Println(err)
}
GO
# The repository's checksums cover the modules the consumer needs.
cp go.sum "$work/go.sum"
(cd "$work" && go mod tidy && go build -o /dev/null .)
modules=$(cd "$work" && go list -m all)
n=$(printf '%s\n' "$modules" | wc -l)
echo "consumer module graph: $n modules (at most $max)"
if [ "$n" -gt "$max" ]; then
  printf '%s\n' "$modules"
  exit 1
fi
