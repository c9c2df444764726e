// The demo's login page: the access token is kept in this module's memory only; the refresh token
// is an HttpOnly cookie (refreshCookie) that the browser sends to /api/token/refresh by itself.
const API = '/api';
// A cookie-borne request must carry this header: a cross-site form cannot set it.
const CSRF = { 'X-CSRF-Protection': '1' };

const $ = (selector) => document.querySelector(selector);
let access = null;
let timer = undefined;
let refreshes = 0;
// Bumped on every sign-in and sign-out: a refresh still in flight from before is then ignored.
let session = 0;

function post(path, body = {}, headers = {}) {
  return fetch(API + path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

function claims(token) {
  const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(part));
}

async function showUser() {
  const response = await fetch(`${API}/me`, { headers: { Authorization: `Bearer ${access}` } });
  if (!response.ok) throw new Error(`GET /api/me answered ${response.status}`);
  const user = await response.json();
  $('#user').textContent = `${user.username} (id ${user.id})`;
  $('#expires').textContent = new Date(claims(access).exp * 1000).toLocaleTimeString();
  $('#refreshes').textContent = String(refreshes);
  $('#login').hidden = true;
  $('#account').hidden = false;
  await showSessions();
}

/** The user's sessions (GET /api/token/sessions), when the app mounts the sessions API (404 otherwise). */
async function showSessions() {
  const response = await fetch(`${API}/token/sessions`, { headers: { Authorization: `Bearer ${access}` } });
  $('#sessions-box').hidden = !response.ok;
  if (!response.ok) return;
  const items = (await response.json()).map((each) => {
    const item = document.createElement('li');
    const started = new Date(each.created).toLocaleString();
    // textContent, never innerHTML: the user agent is whatever the client sent.
    item.textContent = `${each.current ? 'This browser' : 'Another session'}: signed in ${started}${each.userAgent ? `, ${each.userAgent.slice(0, 60)}` : ''}`;
    item.dataset.current = String(each.current);
    return item;
  });
  $('#sessions').replaceChildren(...items);
}

/** Renews the access token before it expires: 30 s ahead, or halfway through a shorter life. */
function scheduleRefresh() {
  clearTimeout(timer);
  const { exp, iat } = claims(access);
  const ahead = Math.min(30_000, ((exp - iat) * 1000) / 2);
  timer = setTimeout(silentRefresh, Math.max(0, exp * 1000 - Date.now() - ahead));
}

async function silentRefresh() {
  const started = session;
  const response = await post('/token/refresh', {}, CSRF);
  if (started !== session) return;
  if (!response.ok) return signedOut(response.status === 401 ? 'Your session has ended; please sign in again.' : `Refresh failed (${response.status}).`);
  access = (await response.json()).access;
  refreshes += 1;
  await showUser();
  scheduleRefresh();
}

function signedOut(message = '') {
  session += 1;
  clearTimeout(timer);
  access = null;
  $('#account').hidden = true;
  $('#login').hidden = false;
  $('#status').textContent = message;
}

$('#login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const response = await post('/token', { username: form.get('username'), password: form.get('password') });
  const body = await response.json();
  if (!response.ok) return signedOut(body.detail ?? `Sign-in failed (${response.status}).`);
  // The body may also hold `refresh` (refreshInBody): this page never keeps it; the cookie does.
  session += 1;
  access = body.access;
  $('#status').textContent = '';
  await showUser();
  scheduleRefresh();
});

$('#logout').addEventListener('click', async () => {
  session += 1;
  clearTimeout(timer);
  const response = await post('/token/blacklist', {}, CSRF);
  signedOut(response.ok ? 'Signed out.' : `Sign-out answered ${response.status}.`);
});

// A reload keeps the session: the cookie is still there, so one refresh brings the access token back.
const resumed = await post('/token/refresh', {}, CSRF);
if (resumed.ok) {
  access = (await resumed.json()).access;
  await showUser();
  scheduleRefresh();
} else {
  signedOut();
}
