// Log a user in and out of a LoremUp app (or loremup-fake) with Node's
// built-in fetch (Node 20 or newer), no packages.
//
//   LOREMUP_BASE_URL=http://127.0.0.1:8080 LOREMUP_API_TOKEN=TOKEN \
//   LOREMUP_EMAIL=a@example.com LOREMUP_PASSWORD=secret node login_logout.mjs

const CREATE_FORM = "reference_rest_api_create_sessions";
const DELETE_FORM = "reference_rest_api_delete_sessions";

// env returns the environment variable name, or exits naming it.
function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set (see the usage at the top of this file)`);
    process.exit(1);
  }
  return value;
}

const baseURL = env("LOREMUP_BASE_URL");
const token = env("LOREMUP_API_TOKEN");
const email = env("LOREMUP_EMAIL");
const password = env("LOREMUP_PASSWORD");

// call sends one request to /api/sessions and returns the answer.
async function call(method, body, cookie) {
  const headers = {
    Authorization: `Token token=${token}`,
    // The server answers JSON:API; a plain JSON client is welcome too.
    // fetch's default Accept is */*, which the server takes for a browser.
    Accept: "application/vnd.api+json, application/json",
    "Content-Type": "application/json",
  };
  if (cookie) headers.Cookie = cookie;
  const answer = await fetch(new URL("api/sessions", baseURL.replace(/\/?$/, "/")), {
    method,
    headers,
    body: JSON.stringify(body),
    redirect: "manual", // a redirect is a wrong base URL, never a login
    signal: AbortSignal.timeout(10_000),
  });
  if (!answer.ok) {
    // 401, 406, 422: the body says why (a JSON:API error document, or
    // plain text when the token was refused).
    const detail = (await answer.text()).slice(0, 4096);
    throw new Error(`${method} /api/sessions: ${answer.status} ${answer.statusText}: ${detail}`);
  }
  return answer;
}

try {
  const login = await call("POST", { form_name: CREATE_FORM, form: { email, password } });
  // The session is the cookies the login sets: send their name=value pairs
  // back on logout (and on any other request to the app as this user).
  const cookies = login.headers.getSetCookie().map((c) => c.split(";")[0]);
  if (login.status !== 201 || cookies.length === 0) {
    throw new Error(`login: got ${login.status} and ${cookies.length} cookies, want 201 and a session cookie`);
  }
  console.log(`logged in ${email} (session cookie: ${cookies.map((c) => c.split("=")[0]).join(", ")})`);

  await call("DELETE", { form_name: DELETE_FORM }, cookies.join("; "));
  console.log("logged out");
} catch (err) {
  console.error(err.message);
  process.exitCode = 1;
}
