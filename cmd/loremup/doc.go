// Command loremup logs users in and out of a LoremUp app through its
// Sessions REST API, for shell scripts and for tools that wrap it. It is a
// thin layer over the loremup-go SDK (package loremup).
//
// Usage:
//
//	loremup login --email EMAIL [--session-file PATH] [flags]
//	loremup logout --session-file PATH [flags]
//	loremup version [--json]
//	loremup help [command]
//
// login sends POST {base}/api/sessions with the form name, e-mail and
// password; logout sends DELETE {base}/api/sessions with the cookies of
// the session login saved. Every command takes --help, which shows its
// flags and an example.
//
// # Inputs
//
// The base URL and API token come from --base-url and --token or from
// LOREMUP_BASE_URL and LOREMUP_API_TOKEN; a flag that is given wins over
// its variable. Prefer the variable for the token: a flag's value is
// visible to other users in ps and stays in shell history. The e-mail
// comes from --email or LOREMUP_EMAIL.
//
// The password comes only from LOREMUP_PASSWORD or, with --password-stdin,
// from the first line of standard input (its trailing "\n" or "\r\n"
// removed; --password-stdin wins over the variable). There is no password
// flag, and --password is refused with exit code 2 without being echoed.
//
// --form-name defaults to the names on the API's reference page ("REST API
// - Login and Logout User"): reference_rest_api_create_sessions for login
// and reference_rest_api_delete_sessions for logout. An app may configure
// other names.
//
// # Session files
//
// login --session-file PATH saves the session (the JSON encoding of a
// *loremup.Session: its cookies, values included) for a later
// logout --session-file PATH, which sends exactly those cookies and, on
// success, removes the file. The file is written as a new file of mode
// 0600 beside PATH and renamed onto it, so an existing file's looser mode
// is never kept and a symlink at PATH is replaced, not followed. login
// checks that it can write there before it logs in. logout warns when the
// file it reads can be read by others.
//
// Without --session-file, login keeps no session (it only shows that the
// credentials work; the session stays open on the server until it
// expires), and logout has no cookies to send: a new process's client
// holds none. logout still sends the request, and the server answers 204
// No Content, since logging out is idempotent; nothing is logged out.
//
// # Output
//
// By default a line for people goes to stdout, for example
//
//	logged in ada@example.com (session cookie: _loremup_session), session saved to ada.session
//
// and errors go to stderr. With --json stdout gets exactly one JSON object
// per command, errors included:
//
//	{"ok":true,"command":"login","email":"ada@example.com","cookies":["_loremup_session"],"session_file":"ada.session"}
//	{"ok":true,"command":"logout","cookies":["_loremup_session"],"session_file":"ada.session","session_file_removed":true}
//	{"ok":false,"command":"login","exit_code":5,"error":{"message":"POST /api/sessions: 422 Unprocessable Entity: /form/email email is not a valid address (request id 7f3a)","status":422,"code":"invalid","title":"Unprocessable Entity","detail":"email is not a valid address","pointer":"/form/email","request_id":"7f3a","attempts":1}}
//
// An error object carries the message, and when the server answered, its
// status, the first error object's code, title, detail and source
// (pointer, parameter or header), the request id, the number of attempts,
// a redirect's Location (without its query), and "errors" with every
// object when there are several. A usage error names the input at fault
// in "field" ("--email", "password", ...). Cookie values, the API token
// and the password are never printed, in any mode.
//
// --verbose logs each request, retry decision and answer to stderr at
// debug level through the SDK's logger (loremup.WithLogger), which never
// logs the token, a password or a cookie value.
//
// --timeout bounds the whole command, retries included (default 30s; 0
// means no overall limit, though the SDK still ends each attempt after
// loremup.DefaultTimeout); --max-retries sets the SDK's retries of connection
// errors, 429, 502, 503 and 504 (default 3); --insecure-http allows plain
// http:// to a host that is not loopback.
//
// # Exit codes
//
//	0    success
//	1    other error: session file not readable or writable; an answer that is
//	     not the API's (a redirect, another 4xx, a 2xx that is not a login)
//	2    usage: bad flag or argument; missing base URL, token, e-mail or
//	     password; input refused before sending (e.g. plain http:// to a remote
//	     host)
//	3    unauthorized (401): unknown API token, or unknown e-mail/password
//	4    not acceptable (406): wrong parameters, e.g. an unknown --form-name
//	5    validation failed (422): the server refused a value, e.g. an e-mail
//	     that is not an address
//	6    network: no connection, --timeout reached, retries exhausted, 429, 5xx,
//	     retry budget spent
//	130  interrupted by SIGINT or SIGTERM
//
// Code 2 includes the SDK's *loremup.ValidationError (input it refuses
// before sending anything); 3, 4 and 5 are errors.Is matches of
// loremup.ErrUnauthorized, ErrNotAcceptable and ErrUnprocessableEntity.
//
// # Example
//
//	export LOREMUP_BASE_URL=https://app.example.com
//	export LOREMUP_API_TOKEN=... LOREMUP_PASSWORD=...
//	loremup login --email ada@example.com --session-file ada.session || exit
//	# ... work as ada ...
//	loremup logout --session-file ada.session
//
// To try it without an app, run the fake server cmd/loremup-fake and point
// LOREMUP_BASE_URL at the URL it prints.
package main
