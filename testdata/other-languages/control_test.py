"""Drives loremup-fake and its control API from Python, standard library only.

Run by scripts/other-languages.sh, which builds the binary and sets
LOREMUP_FAKE to its path:

    LOREMUP_FAKE=/path/to/loremup-fake python3 -m unittest discover -s testdata/other-languages -p '*_test.py'

The test starts the fake with --control, injects a 503 with Retry-After: 0
and then a dropped connection, checks that a small retrying client (the
kind a Python app would have) gets through them, reads the recorded
requests back to check what was sent, resets the fake, and stops it by
its PID. Another test turns on the production policies (lockout and the
login throttle) through the control API and checks what logins answer.
"""

import http.client
import http.cookiejar
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

API_TOKEN = "tok_python_api_4f1c"
CONTROL_TOKEN = "tok_python_control_8e2d"
EMAIL = "ada@example.com"
PASSWORD = "s3cret-Pa55word"
REDACTED = "[REDACTED]"

RETRYABLE = (429, 502, 503, 504)


class RetryingClient:
    """A minimal Sessions API client: retries 429/5xx (honouring
    Retry-After) and dropped connections, keeps the session cookie."""

    def __init__(self, base_url, token, attempts=4):
        self.base_url = base_url
        self.token = token
        self.attempts = attempts
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.tries = 0

    def _send(self, method, body):
        data = json.dumps(body).encode()
        for attempt in range(self.attempts):
            self.tries += 1
            req = urllib.request.Request(
                self.base_url + "/api/sessions",
                data=data,
                method=method,
                headers={
                    "Authorization": "Token token=" + self.token,
                    "Accept": "application/vnd.api+json, application/json",
                    "Content-Type": "application/json",
                },
            )
            last = attempt == self.attempts - 1
            try:
                with self.opener.open(req, timeout=10) as resp:
                    resp.read()
                    return resp.status
            except urllib.error.HTTPError as err:
                err.read()
                if err.code not in RETRYABLE or last:
                    raise
                time.sleep(float(err.headers.get("Retry-After") or "0"))
            except (urllib.error.URLError, http.client.HTTPException, ConnectionError):
                if last:
                    raise
        raise AssertionError("unreachable")

    def login(self, email, password):
        return self._send("POST", {
            "form_name": "reference_rest_api_create_sessions",
            "form": {"email": email, "password": password},
        })

    def logout(self):
        return self._send("DELETE", {"form_name": "reference_rest_api_delete_sessions"})


class ControlAPITest(unittest.TestCase):
    def setUp(self):
        binary = os.environ.get("LOREMUP_FAKE")
        if not binary:
            self.skipTest("LOREMUP_FAKE is not set (run scripts/other-languages.sh)")
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [binary, "--token", API_TOKEN, "--user", EMAIL + ":" + PASSWORD,
             "--control", "--control-token", CONTROL_TOKEN],
            stdout=subprocess.PIPE, stderr=self.stderr, text=True,
        )
        self.addCleanup(self.stop)
        self.base_url = self.proc.stdout.readline().strip()
        self.control_url = self.proc.stdout.readline().strip()
        self.assertTrue(self.base_url.startswith("http://127.0.0.1:"), self.base_url)
        self.assertTrue(self.control_url.startswith("http://127.0.0.1:"), self.control_url)

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
        code = self.proc.wait(timeout=10)
        self.proc.stdout.close()
        self.stderr.seek(0)
        logs = self.stderr.read().decode()
        self.stderr.close()
        self.assertEqual(0, code, logs)
        for secret in (API_TOKEN, CONTROL_TOKEN, PASSWORD):
            self.assertNotIn(secret, logs)

    def control(self, method, path, body=None, token=CONTROL_TOKEN):
        headers = {"Authorization": "Bearer " + token}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.control_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        text = raw.decode()
        for secret in (API_TOKEN, PASSWORD):
            self.assertNotIn(secret, text)
        return status, (json.loads(text) if text else None)

    def login(self, password):
        """One login, no retry: the status, Retry-After and body."""
        req = urllib.request.Request(
            self.base_url + "/api/sessions", method="POST",
            data=json.dumps({"form_name": "reference_rest_api_create_sessions",
                             "form": {"email": EMAIL, "password": password}}).encode(),
            headers={"Authorization": "Token token=" + API_TOKEN, "Content-Type": "application/json",
                     "Accept": "application/vnd.api+json, application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.headers.get("Retry-After"), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers.get("Retry-After"), err.read()

    def test_production_policies_lock_out_and_throttle(self):
        status, policies = self.control("POST", "/policies", {"lock_after": 2})
        self.assertEqual((200, 2), (status, policies["lock_after"]))
        for _ in range(2):
            self.assertEqual(401, self.login("wrong-password")[0])
        status, _, body = self.login(PASSWORD)
        self.assertEqual(401, status, "locked, even with the right password")
        self.assertEqual("locked", json.loads(body)["errors"][0]["code"])
        self.assertEqual(204, self.control("DELETE", "/locks/" + urllib.parse.quote(EMAIL, safe=""))[0])
        self.assertEqual(201, self.login(PASSWORD)[0])

        # One login an hour: the window (counted from the epoch) outlasts the test.
        self.assertEqual(200, self.control("POST", "/policies", {"login_rate": 1, "login_per_ms": 3600000})[0])
        self.assertEqual(201, self.login(PASSWORD)[0])
        status, retry_after, _ = self.login(PASSWORD)
        self.assertEqual(429, status)
        self.assertRegex(retry_after or "", r"^[0-9]+$", "Retry-After in whole seconds")
        self.assertTrue(1 <= int(retry_after) <= 3600, retry_after)

        # A reset clears locks and counts but leaves the policies in force;
        # an empty body turns them all off.
        self.assertEqual(204, self.control("POST", "/reset")[0])
        self.assertEqual(1, self.control("GET", "/policies")[1]["login_rate"])
        status, policies = self.control("POST", "/policies", {})
        self.assertEqual((200, {"lock_after": 0, "login_rate": 0, "login_per_ms": 0, "session_idle_ms": 0}),
                         (status, policies))
        self.assertEqual(201, self.login(PASSWORD)[0])

    def test_client_survives_faults_and_requests_are_recorded(self):
        status, _ = self.control("POST", "/faults", {"status": 503, "retry_after": "0", "method": "POST"})
        self.assertEqual(201, status)
        status, _ = self.control("POST", "/faults", {"drop": True, "method": "POST"})
        self.assertEqual(201, status)

        client = RetryingClient(self.base_url, API_TOKEN)
        self.assertEqual(201, client.login(EMAIL, PASSWORD))
        self.assertEqual(3, client.tries, "503, dropped, then served")

        status, counters = self.control("GET", "/counters")
        self.assertEqual(200, status)
        self.assertEqual(3, counters["requests"])
        self.assertEqual(1, counters["active_sessions"])
        self.assertEqual(0, counters["faults"])

        status, recorded = self.control("GET", "/requests")
        self.assertEqual(200, status)
        self.assertEqual(3, len(recorded["requests"]))
        for req in recorded["requests"]:
            self.assertEqual("POST", req["method"])
            self.assertEqual("/api/sessions", req["path"])
            # A credential header is hidden whole, scheme and all.
            self.assertEqual([REDACTED], req["headers"]["Authorization"])
            self.assertTrue(req["sent_api_token"])
            body = json.loads(req["body"])
            self.assertEqual("reference_rest_api_create_sessions", body["form_name"])
            self.assertEqual({"email": EMAIL, "password": REDACTED}, body["form"])

        status, sessions = self.control("GET", "/sessions")
        self.assertEqual(1, sessions["total"])
        self.assertEqual(EMAIL, sessions["sessions"][0]["email"])

        self.assertEqual(204, client.logout())
        _, sessions = self.control("GET", "/sessions")
        self.assertEqual(0, sessions["total"])
        _, recorded = self.control("GET", "/requests?limit=1")
        logout = recorded["requests"][0]
        self.assertEqual("DELETE", logout["method"])
        self.assertEqual([REDACTED], logout["headers"]["Cookie"])

        self.assertEqual(204, self.control("POST", "/reset")[0])
        _, counters = self.control("GET", "/counters")
        self.assertEqual({"requests": 0, "active_sessions": 0, "connections": 0, "users": 1, "faults": 0}, counters)

    def test_control_api_refuses_the_api_token(self):
        status, answer = self.control("GET", "/counters", token=API_TOKEN)
        self.assertEqual(401, status)
        self.assertEqual("Authorization", answer["error"]["field"])

    def test_bad_input_names_the_field(self):
        status, answer = self.control("POST", "/faults", {"status": 99})
        self.assertEqual(400, status)
        self.assertEqual("status", answer["error"]["field"])


if __name__ == "__main__":
    unittest.main()
