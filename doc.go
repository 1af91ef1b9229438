// Package loremup is the Go client for the LoremUp REST API's Sessions
// endpoints: log a user in (Sessions.Create) and out (Sessions.Delete).
package loremup
