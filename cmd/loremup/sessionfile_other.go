//go:build !unix

package main

// checkPlace has nothing to check where files have no Unix owner and
// mode: the session file is still written as a new file and renamed.
func checkPlace(string) error { return nil }
