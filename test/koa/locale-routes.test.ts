import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, setUpDatabase, startDemo } from '../support/demo.js';
import { SettingsError, createSimpleJwt } from '../../src/index.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';

const clock = new ManualClock();
let db: TestDatabase;
let negotiating: TestServer;
let brazilian: TestServer;

before(async () => {
  db = await setUpDatabase();
  let users;
  ({ server: negotiating, users } = await startDemo(db, { clock, acceptLanguage: true }));
  ({ server: brazilian } = await startDemo(db, { clock, locale: 'pt_BR' }));
  await users.createUser({ username: 'alice', password: 'alice-password' });
});
after(async () => {
  await negotiating?.close();
  await brazilian?.close();
  await db?.drop();
});

const wrongPassword = { username: 'alice', password: 'nope' };

describe('acceptLanguage: the language of each request', () => {
  test('answers in the best language the client accepts, with Content-Language and Vary', async () => {
    const response = await negotiating.post('/api/token', wrongPassword, { 'accept-language': 'ja, fr-CA;q=0.9, de;q=0.8' });
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { detail: "Aucun compte actif n'a été trouvé avec les identifiants fournis" });
    assert.equal(response.headers.get('content-language'), 'fr');
    assert.match(response.headers.get('vary') ?? '', /Accept-Language/);
  });

  test('translates the messages of an authentication failure; codes and token classes stay', async () => {
    const response = await negotiating.request('/api/me', { headers: { authorization: 'Bearer nope', 'accept-language': 'de' } });
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, {
      detail: 'Der Token ist für keinen Tokentyp gültig',
      code: 'token_not_valid',
      // Simple JWT's German catalogue has no "Token is invalid": Django renders it in English.
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid' }],
    });
    assert.equal(response.headers.get('content-language'), 'de');
  });

  test('translates a token error of the token routes', async () => {
    const response = await negotiating.post('/api/token/refresh', { refresh: 'x' }, { 'accept-language': 'pt-BR' });
    assert.deepEqual(response.body, { detail: 'O token é inválido', code: 'token_not_valid' });
  });

  test('falls back to English for a language without a catalogue, and says so', async () => {
    const response = await negotiating.post('/api/token', wrongPassword, { 'accept-language': 'ja' });
    assert.deepEqual(response.body, { detail: 'No active account found with the given credentials' });
    assert.equal(response.headers.get('content-language'), 'en');
    const none = await negotiating.post('/api/token', wrongPassword);
    assert.equal(none.headers.get('content-language'), 'en');
  });

  test('announces the language on a 200 too, as LocaleMiddleware does on every response', async () => {
    const response = await negotiating.post('/api/token', { username: 'alice', password: 'alice-password' }, { 'accept-language': 'ru' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-language'), 'ru');
  });
});

describe('locale: a fixed language', () => {
  test('every message comes out in it, with no Content-Language (no negotiation happened)', async () => {
    const response = await brazilian.post('/api/token', wrongPassword, { 'accept-language': 'fr' });
    assert.deepEqual(response.body, { detail: 'Usuário e/ou senha incorreto(s)' });
    assert.equal(response.headers.get('content-language'), null);
    const me = await brazilian.request('/api/me', { headers: { authorization: 'Bearer a b' } });
    assert.deepEqual(me.body, { detail: 'Cabeçalho de autorização deve conter dois valores delimitados por espaço', code: 'bad_authorization_header' });
  });

  test("DRF's own messages stay in English (not in Simple JWT's catalogues)", async () => {
    const response = await brazilian.post('/api/token', {});
    assert.deepEqual(response.body, { username: ['This field is required.'], password: ['This field is required.'] });
  });

  test('an unknown locale is refused at startup, naming the setting', () => {
    assert.throws(() => createSimpleJwt({ signingKey: 'k'.repeat(32), locale: 'xx' }), (error: unknown) => error instanceof SettingsError && error.setting === 'locale');
    assert.equal(createSimpleJwt({ signingKey: 'k'.repeat(32), locale: 'ES_ar' }).settings.locale, 'es-ar');
  });
});
