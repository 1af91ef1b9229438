// Drives loremup-fake and its control API from Node (node:test and fetch,
// no packages). Run by scripts/other-languages.sh, which builds the binary
// and sets LOREMUP_FAKE to its path:
//
//   LOREMUP_FAKE=/path/to/loremup-fake node --test testdata/other-languages/control.test.mjs
//
// The test starts the fake with --control, injects a 503 with
// Retry-After: 0 and then a dropped connection, checks that a small
// retrying client gets through them, reads the recorded requests back to
// check what was sent, resets the fake, and stops it by its PID. Another
// test turns on the production policies (lockout and the login throttle)
// through the control API and checks what logins answer.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

const API_TOKEN = 'tok_node_api_2b7e';
const CONTROL_TOKEN = 'tok_node_control_6a9f';
const EMAIL = 'ada@example.com';
const PASSWORD = 's3cret-Pa55word';
const REDACTED = '[REDACTED]';
const RETRYABLE = new Set([429, 502, 503, 504]);

let proc;
let baseURL;
let controlURL;
let stderr = '';

before(async () => {
  const binary = process.env.LOREMUP_FAKE;
  assert.ok(binary, 'LOREMUP_FAKE is not set (run scripts/other-languages.sh)');
  proc = spawn(binary, ['--token', API_TOKEN, '--user', `${EMAIL}:${PASSWORD}`, '--control', '--control-token', CONTROL_TOKEN]);
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk) => { stderr += chunk; });
  const lines = createInterface({ input: proc.stdout });
  const got = [];
  for await (const line of lines) {
    got.push(line);
    if (got.length === 2) break;
  }
  [baseURL, controlURL] = got;
  assert.match(baseURL, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(controlURL, /^http:\/\/127\.0\.0\.1:\d+$/);
});

after(async () => {
  const exited = once(proc, 'exit');
  process.kill(proc.pid, 'SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0, stderr);
  for (const secret of [API_TOKEN, CONTROL_TOKEN, PASSWORD]) {
    assert.ok(!stderr.includes(secret), 'a secret in the fake\'s log');
  }
});

async function control(method, path, body, token = CONTROL_TOKEN) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(controlURL + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  for (const secret of [API_TOKEN, PASSWORD]) {
    assert.ok(!text.includes(secret), 'a secret in a control answer');
  }
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

// A minimal Sessions API client: retries 429/5xx (honouring Retry-After)
// and dropped connections, keeps the session cookie.
class RetryingClient {
  constructor(base, token, attempts = 4) {
    Object.assign(this, { base, token, attempts, tries: 0, cookie: '' });
  }

  async send(method, body) {
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      this.tries++;
      const last = attempt === this.attempts - 1;
      let res;
      try {
        res = await fetch(`${this.base}/api/sessions`, {
          method,
          headers: {
            Authorization: `Token token=${this.token}`,
            Accept: 'application/vnd.api+json, application/json',
            'Content-Type': 'application/json',
            ...(this.cookie ? { Cookie: this.cookie } : {}),
          },
          body: JSON.stringify(body),
        });
        await res.arrayBuffer();
      } catch (err) { // a dropped connection: fetch failed
        if (last) throw err;
        continue;
      }
      if (RETRYABLE.has(res.status) && !last) {
        const wait = Number(res.headers.get('Retry-After') ?? '0') * 1000;
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      const setCookies = typeof res.headers.getSetCookie === 'function'
        ? res.headers.getSetCookie() : [res.headers.get('set-cookie') ?? ''];
      for (const c of setCookies) {
        const pair = c.split(';')[0];
        if (pair.startsWith('_loremup_session=')) this.cookie = /Max-Age=0|Max-Age=-/i.test(c) ? '' : pair;
      }
      return res.status;
    }
    throw new Error('unreachable');
  }

  login(email, password) {
    return this.send('POST', { form_name: 'reference_rest_api_create_sessions', form: { email, password } });
  }

  logout() {
    return this.send('DELETE', { form_name: 'reference_rest_api_delete_sessions' });
  }
}

test('a retrying client survives a 503 and a dropped connection; the fake recorded what it sent', async () => {
  assert.equal((await control('POST', '/faults', { status: 503, retry_after: '0', method: 'POST' })).status, 201);
  assert.equal((await control('POST', '/faults', { drop: true, method: 'POST' })).status, 201);

  const client = new RetryingClient(baseURL, API_TOKEN);
  assert.equal(await client.login(EMAIL, PASSWORD), 201);
  assert.equal(client.tries, 3, '503, dropped, then served');

  const counters = (await control('GET', '/counters')).json;
  assert.equal(counters.requests, 3);
  assert.equal(counters.active_sessions, 1);
  assert.equal(counters.faults, 0);

  const { json: recorded } = await control('GET', '/requests');
  assert.equal(recorded.requests.length, 3);
  for (const req of recorded.requests) {
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/api/sessions');
    // A credential header is hidden whole, scheme and all.
    assert.deepEqual(req.headers.Authorization, [REDACTED]);
    assert.equal(req.sent_api_token, true);
    assert.deepEqual(JSON.parse(req.body), {
      form_name: 'reference_rest_api_create_sessions', form: { email: EMAIL, password: REDACTED },
    });
  }

  assert.equal((await control('GET', '/sessions')).json.total, 1);
  assert.equal(await client.logout(), 204);
  assert.equal((await control('GET', '/sessions')).json.total, 0);
  const logout = (await control('GET', '/requests?limit=1')).json.requests[0];
  assert.equal(logout.method, 'DELETE');
  assert.deepEqual(logout.headers.Cookie, [REDACTED]);

  assert.equal((await control('POST', '/reset')).status, 204);
  assert.deepEqual((await control('GET', '/counters')).json,
    { requests: 0, active_sessions: 0, connections: 0, users: 1, faults: 0 });
});

// One login, no retry: the status, Retry-After and body.
async function login(password) {
  const res = await fetch(`${baseURL}/api/sessions`, {
    method: 'POST',
    headers: {
      Authorization: `Token token=${API_TOKEN}`,
      Accept: 'application/vnd.api+json, application/json',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ form_name: 'reference_rest_api_create_sessions', form: { email: EMAIL, password } }),
  });
  return { status: res.status, retryAfter: res.headers.get('Retry-After'), text: await res.text() };
}

test('the production policies lock an e-mail out and throttle logins', async () => {
  assert.deepEqual(await control('POST', '/policies', { lock_after: 2 }),
    { status: 200, json: { lock_after: 2, login_rate: 0, login_per_ms: 0, session_idle_ms: 0 } });
  for (let i = 0; i < 2; i++) assert.equal((await login('wrong-password')).status, 401);
  const locked = await login(PASSWORD);
  assert.equal(locked.status, 401, 'locked, even with the right password');
  assert.equal(JSON.parse(locked.text).errors[0].code, 'locked');
  assert.equal((await control('DELETE', `/locks/${encodeURIComponent(EMAIL)}`)).status, 204);
  assert.equal((await login(PASSWORD)).status, 201);

  // One login an hour: the window (counted from the epoch) outlasts the test.
  assert.equal((await control('POST', '/policies', { login_rate: 1, login_per_ms: 3600000 })).status, 200);
  assert.equal((await login(PASSWORD)).status, 201);
  const throttled = await login(PASSWORD);
  assert.equal(throttled.status, 429);
  assert.match(throttled.retryAfter ?? '', /^[0-9]+$/, 'Retry-After in whole seconds');
  assert.ok(Number(throttled.retryAfter) >= 1 && Number(throttled.retryAfter) <= 3600, throttled.retryAfter);

  // A reset clears locks and counts but leaves the policies in force;
  // an empty body turns them all off.
  assert.equal((await control('POST', '/reset')).status, 204);
  assert.equal((await control('GET', '/policies')).json.login_rate, 1);
  assert.deepEqual(await control('POST', '/policies', {}),
    { status: 200, json: { lock_after: 0, login_rate: 0, login_per_ms: 0, session_idle_ms: 0 } });
  assert.equal((await login(PASSWORD)).status, 201);
  assert.equal((await control('POST', '/reset')).status, 204);
});

test('the control API refuses the API token', async () => {
  const { status, json } = await control('GET', '/counters', undefined, API_TOKEN);
  assert.equal(status, 401);
  assert.equal(json.error.field, 'Authorization');
});

test('bad input is a 400 naming the field', async () => {
  const { status, json } = await control('POST', '/faults', { status: 99 });
  assert.equal(status, 400);
  assert.equal(json.error.field, 'status');
});
