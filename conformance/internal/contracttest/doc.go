// Package contracttest holds the conformance suite: one set of scenarios
// for the SDK against a server, run against the fake server (loremuptest)
// always and against a real LoremUp app when LOREMUP_BASE_URL,
// LOREMUP_API_TOKEN, LOREMUP_EMAIL and LOREMUP_PASSWORD are set
// (LOREMUP_CREATE_FORM and LOREMUP_DELETE_FORM override the form names).
// Same scenarios: code that passes against the fake passes against the app.
// Against a real app the scenarios check only what the API documentation
// promises (statuses, sentinel errors, that a 422 names the field), not the
// fake's own choices (exact pointers, JSON error bodies on every status).
//
//	cd conformance  # the suite's own module
//	go test ./internal/contracttest/                      # the fake
//	LOREMUP_BASE_URL=https://app.example.com LOREMUP_API_TOKEN=... \
//	LOREMUP_EMAIL=... LOREMUP_PASSWORD=... go test ./internal/contracttest/ -run '^TestContract$/^real$'
//
// With the same variables, TestProbes_RealAppVsFake sends raw requests to
// the app and to cmd/loremup-fake side by side and compares the statuses.
// The TestRealApp_* tests act as the logged-in user on an endpoint of the
// app named by LOREMUP_ME_PATH (as /api/me), and with LOREMUP_IDLE_TIMEOUT
// (the app's session timeout) drive a re-login after the app ends an idle
// session, with LOREMUP_LOCK_AFTER and LOREMUP_SPARE_USER lock a second
// account, and with LOREMUP_LOGIN_THROTTLE (LIMIT/SECONDS) meet the login
// throttle; each skips without its variables.
//
// scripts/rails-check.sh runs all of these against the stock Rails app in
// testdata/railsapp; scripts/rails-check.sh devise against the Devise app
// in testdata/deviseapp (Devise and Warden over the cookie store, sqlite3,
// timeoutable, lockable, a Rack::Attack login throttle).
//
// The package has no code; its tests are the suite.
package contracttest
