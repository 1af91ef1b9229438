// Command loremup logs users in and out of a LoremUp app through its
// Sessions REST API, for shell scripts and for tools that wrap it. It is a
// thin layer over the loremup-go SDK (package loremup).
//
// Usage:
//
//	loremup login --email EMAIL [--session-file PATH] [flags]
//	loremup status --session-file PATH [--json]
//	loremup logout --session-file PATH [flags]
//	loremup version [--json]     (or: loremup --version)
//	loremup help [command]
//
// login sends POST {base}/api/sessions with the form name, e-mail and
// password; logout sends DELETE {base}/api/sessions with the cookies of
// the session login saved; status reads a saved session and sends
// nothing. Every command takes --help, which shows its flags and an
// example on stdout. Flags are written --name or --name=value.
//
// # Inputs
//
// The base URL and API token come from --base-url and --token or from
// LOREMUP_BASE_URL and LOREMUP_API_TOKEN; a flag that is given wins over
// its variable. Prefer the variable for the token: a flag's value is
// visible to other users in ps and stays in shell history. The e-mail
// comes from --email or LOREMUP_EMAIL. logout takes the base URL from the
// session file when neither gives one.
//
// The password is never taken from a flag: --password is refused with
// exit code 2. It comes from, in this order: --password-stdin, the first
// line of standard input (its trailing "\n" or "\r\n" removed), as from a
// secret store; LOREMUP_PASSWORD; or, when standard input is a terminal, a
// prompt that does not echo what is typed (as docker login and gh do).
// With --password-stdin at a terminal the prompt is used as well, so a
// password never shows on the screen.
//
// No error message repeats a flag's value: a parse error names the flag
// only (as typed, -v stays -v), since the value may be a secret, such as
// a password typed as --password-stdin=VALUE.
//
// --form-name defaults to the names on the API's reference page ("REST API
// - Login and Logout User"): reference_rest_api_create_sessions for login
// and reference_rest_api_delete_sessions for logout. An app may configure
// other names.
//
// # Session files
//
// login --session-file PATH saves the session for a later
// logout --session-file PATH and status --session-file PATH: its cookies
// (values included: the file holds credentials), the e-mail, the base URL
// and the time of the login; never the password or the token. It is
// written as a new file of mode 0600 beside PATH and renamed onto it, so
// an existing file's looser mode is never kept and a symlink at PATH is
// replaced, not followed. Before it logs in, login refuses a PATH that
// another user owns, a directory another user owns, and a directory
// anyone may write to that is not sticky. Should the save still fail (the
// path taken meanwhile, a full disk), login logs the session out again and
// exits 1. Without --session-file, login only shows that the credentials
// work, and warns that the session stays open on the server.
//
// logout and status read PATH only after the same checks, and only if the
// file they open is the user's own with no permission for group or others;
// otherwise they exit 1 and send nothing, since a file another user
// planted (say in /tmp) could name a base URL of theirs to receive the
// API token. When --base-url or LOREMUP_BASE_URL is given, logout also
// refuses a file saved for another base URL. Without --session-file both
// exit 2.
//
// A session file (at most 1 MiB) is one JSON object:
//
//	{
//	  "email": "ada@example.com",
//	  "base_url": "https://app.example.com",
//	  "logged_in_at": "2026-11-28T09:30:00Z",
//	  "session": {
//	    "origin": "https://app.example.com",
//	    "cookies": [{"name": "_loremup_session", "value": "...", "path": "/", "http_only": true, "same_site": "lax"}]
//	  }
//	}
//
// email and base_url are as given to login; logged_in_at is RFC 3339 UTC.
// session is what loremup.Session.Export writes and loremup.ImportSession
// reads: the origin, ended (true once logged out) and each cookie with its
// value and attributes (path, domain, expires, max_age, expires_at,
// secure, http_only, same_site, partitioned, quoted; zero values left
// out). To learn who, where and when, prefer 'loremup status --json',
// which shows all but the cookie values. The format has no version
// number: fields are added, never renamed, removed or given another
// meaning, and readers ignore fields they do not know. A file holding the
// session object alone, as the first versions wrote it, is still read.
//
// # Logging out
//
// logout sends exactly the saved cookies and, on success, removes the
// file. What a logout ends is up to the server: a server that keeps the
// whole session in the cookie itself (Rails' default cookie store) cannot
// revoke a copy of that cookie, which may stay valid until it expires.
// Do not copy session files, and delete copies of their cookies after
// logout.
//
// When there is nothing to log out, logout sends nothing and exits with
// code 7: when PATH does not exist, or when its session holds no live
// cookie. A script that logs out "if logged in" treats 7 as done.
//
// # Output
//
// By default a line for people goes to stdout, for example
//
//	logged in ada@example.com (session cookie: _loremup_session), session saved to ada.session
//
// and errors and warnings go to stderr; for an error the server answered,
// the server's reasons follow, one per line, whatever the shape of its
// error body. With --json stdout gets exactly one JSON object per
// command, errors included:
//
//	{"ok":true,"command":"login","email":"ada@example.com","cookies":["_loremup_session"],"session_file":"ada.session"}
//	{"ok":true,"command":"status","session_file":"ada.session","email":"ada@example.com","base_url":"https://app.example.com","logged_in_at":"2026-11-28T09:30:00Z","cookies":["_loremup_session"],"live":true}
//	{"ok":true,"command":"logout","email":"ada@example.com","cookies":["_loremup_session"],"session_file":"ada.session","session_file_removed":true}
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
//	1    other error: session file not readable, not writable or refused (not
//	     yours, open to others, or of another base URL); an answer that is not
//	     the API's (a redirect, another 4xx, a 2xx that is not a login)
//	2    usage: bad flag or argument; missing base URL, token, e-mail, password
//	     or --session-file; input refused before sending (e.g. plain http:// to
//	     a remote host)
//	3    unauthorized (401): unknown API token, or unknown e-mail/password
//	4    not acceptable (406): wrong parameters, e.g. an unknown --form-name
//	5    validation failed (422): the server refused a value, e.g. an e-mail
//	     that is not an address
//	6    network: no connection, --timeout reached, retries exhausted, 429, 5xx,
//	     retry budget spent
//	7    no session: logout ended nothing (no such file, or its session had
//	     already ended); status found no live session
//	130  interrupted by SIGINT or SIGTERM
//
// Code 2 includes the SDK's *loremup.ValidationError (input it refuses
// before sending anything); 3, 4 and 5 are errors.Is matches of
// loremup.ErrUnauthorized, ErrNotAcceptable and ErrUnprocessableEntity.
//
// # Example
//
//	export LOREMUP_BASE_URL=https://app.example.com
//	export LOREMUP_API_TOKEN=...
//	loremup login --email ada@example.com --session-file ada.session || exit
//	loremup status --session-file ada.session
//	# ... work as ada ...
//	loremup logout --session-file ada.session
//
// To try it without an app, run the fake server cmd/loremup-fake and point
// LOREMUP_BASE_URL at the URL it prints.
package main
