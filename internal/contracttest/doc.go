// Package contracttest holds the contract test suite: one set of scenarios
// from CONTRACT.md, run against the fake server (loremuptest) always and
// against a real LoremUp app when LOREMUP_BASE_URL, LOREMUP_API_TOKEN,
// LOREMUP_EMAIL and LOREMUP_PASSWORD are set (LOREMUP_CREATE_FORM and
// LOREMUP_DELETE_FORM override the form names). Same scenarios, same
// expectations: code that passes against the fake passes against the app.
//
//	go test ./internal/contracttest/                      # the fake
//	LOREMUP_BASE_URL=https://app.example.com LOREMUP_API_TOKEN=... \
//	LOREMUP_EMAIL=... LOREMUP_PASSWORD=... go test ./internal/contracttest/ -run 'Contract/real'
//
// The package has no code; its tests are the suite.
package contracttest
