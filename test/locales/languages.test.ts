import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGES, negotiateLanguage, parseAcceptLanguage, supportedLanguage } from '../../src/locales/languages.js';

test('LANGUAGES lists English and every catalogue in Django form', () => {
  for (const code of ['en', 'ar', 'es', 'es-ar', 'es-cl', 'fa-ir', 'he-il', 'he', 'it', 'it-it', 'pt-br', 'zh-hans']) assert.ok(LANGUAGES.includes(code), code);
  assert.ok(!LANGUAGES.includes('pt'), 'Brazilian Portuguese is not offered as Portuguese');
});

test('parseAcceptLanguage reads q values, sorts by them and refuses a malformed header', () => {
  assert.deepEqual(parseAcceptLanguage('de-CH, fr;q=0.8, en;q=0.9'), [['de-ch', 1], ['en', 0.9], ['fr', 0.8]]);
  assert.deepEqual(parseAcceptLanguage('*'), [['*', 1]]);
  assert.deepEqual(parseAcceptLanguage('fr;q=2'), []);
  assert.deepEqual(parseAcceptLanguage('fr de'), []);
});

test('supportedLanguage follows Django: exact, fallbacks, prefixes, then any variant', () => {
  assert.equal(supportedLanguage('es-ar'), 'es-ar');
  assert.equal(supportedLanguage('es-MX'), 'es');
  assert.equal(supportedLanguage('zh-CN'), 'zh-hans');
  assert.equal(supportedLanguage('zh'), 'zh-hans');
  assert.equal(supportedLanguage('pt'), 'pt-br');
  assert.equal(supportedLanguage('ja'), undefined);
});

test('negotiateLanguage takes the best supported entry, stops at *, else the fallback', () => {
  assert.equal(negotiateLanguage('ja, de;q=0.5, fr;q=0.7', 'en'), 'fr');
  assert.equal(negotiateLanguage('ja, *;q=0.9, de;q=0.5', 'en'), 'en');
  assert.equal(negotiateLanguage(undefined, 'es'), 'es');
  assert.equal(negotiateLanguage('x'.repeat(600), 'en'), 'en');
});
