//go:build !unix

package main

import "io/fs"

// openNonblock is not needed where files cannot be FIFOs.
const openNonblock = 0

// checkPlace has nothing to check where files have no Unix owner and
// mode: the session file is still written as a new file and renamed.
func checkPlace(string) error { return nil }

// checkOwnFile cannot tell from the mode bits there (Windows reports 0666
// for any writable file); the file's ACL decides.
func checkOwnFile(string, fs.FileInfo) error { return nil }
