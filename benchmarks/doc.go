// Package benchmarks compares the loremup SDK with the floor (the same
// request hand-written with net/http) and the alternatives (go-retryablehttp
// used directly, go-resty v2), all against one in-process loopback server.
//
// It is its own module so that the peer libraries never enter the SDK's
// go.mod. Run everything, with benchstat and the target ratios,
// through scripts/bench.sh from the repository root; or one benchmark:
//
//	cd benchmarks && go test -run '^$' -bench '^BenchmarkSDKCreate$' -benchmem
//
// Every benchmark reports "conns": the TCP connections the server
// accepted during that run (warm-up call included).
package benchmarks
