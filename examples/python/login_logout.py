#!/usr/bin/env python3
r"""Log a user in and out of a LoremUp app (or loremup-fake) with the
Python standard library only.

    LOREMUP_BASE_URL=http://127.0.0.1:8080 LOREMUP_API_TOKEN=TOKEN \
    LOREMUP_EMAIL=a@example.com LOREMUP_PASSWORD=secret python3 login_logout.py
"""

import http.cookiejar
import json
import os
import sys
import urllib.error
import urllib.request

CREATE_FORM = "reference_rest_api_create_sessions"
DELETE_FORM = "reference_rest_api_delete_sessions"


def call(opener, method, base_url, token, body):
    """Sends one request to /api/sessions and returns the answer's status."""
    request = urllib.request.Request(
        base_url.rstrip("/") + "/api/sessions",
        method=method,
        data=json.dumps(body).encode(),
        headers={
            "Authorization": "Token token=" + token,
            # The server answers JSON:API; a plain JSON client is welcome
            # too. Do not add */*: the server would take it for a browser.
            "Accept": "application/vnd.api+json, application/json",
            "Content-Type": "application/json",
        },
    )
    try:
        with opener.open(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as err:
        # 401, 406, 422: the body says why (a JSON:API error document, or
        # plain text when the token was refused).
        detail = err.read(4096).decode(errors="replace")
        sys.exit(f"{method} /api/sessions: {err.code} {err.reason}: {detail}")


def env(name):
    """Returns the environment variable name, or exits naming it."""
    value = os.environ.get(name, "")
    if not value:
        sys.exit(f"{name} is not set (see the usage at the top of this file)")
    return value


def main():
    base_url = env("LOREMUP_BASE_URL")
    token = env("LOREMUP_API_TOKEN")
    email = env("LOREMUP_EMAIL")
    password = env("LOREMUP_PASSWORD")

    # The session is the cookie the login sets; the jar sends it back on
    # logout (and on any other request to the app as this user).
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    status = call(opener, "POST", base_url, token,
                  {"form_name": CREATE_FORM, "form": {"email": email, "password": password}})
    if status != 201 or len(jar) == 0:
        sys.exit(f"login: got {status} and {len(jar)} cookies, want 201 and a session cookie")
    print(f"logged in {email} (session cookie: {', '.join(c.name for c in jar)})")

    status = call(opener, "DELETE", base_url, token, {"form_name": DELETE_FORM})
    if not 200 <= status < 300:
        sys.exit(f"logout: got {status}, want 2xx")
    print("logged out")


if __name__ == "__main__":
    main()
