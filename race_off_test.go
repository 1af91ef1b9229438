//go:build !race

package loremup_test

const raceEnabled = false
