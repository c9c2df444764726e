import { negotiateLanguage } from '../locales/languages.js';
import { translateBody } from '../locales/translate-message.js';
import { findInstance } from './instance-context.js';
import type { Context } from 'koa';

/**
 * Sets `body` as the JSON answer with DRF's `Content-Type: application/json` (Koa would add
 * `; charset=utf-8`, which DRF's JSONRenderer does not send). With `translate`, the body's
 * messages are rendered in the request's language (see {@link responseLanguage}).
 *
 * @example
 * sendJson(ctx, { detail: 'Token is invalid', code: 'token_not_valid' }, { translate: true });
 */
export function sendJson(ctx: Context, body: unknown, options: { translate?: boolean } = {}): void {
  const language = responseLanguage(ctx);
  const record = body !== null && typeof body === 'object' && !Array.isArray(body);
  ctx.body = options.translate && record && language !== 'en' ? translateBody(body as Record<string, unknown>, language) : body;
  ctx.set('Content-Type', 'application/json');
}

/**
 * The language of this answer: the instance's `locale`, or with `acceptLanguage` the one Django's
 * LocaleMiddleware picks from `Accept-Language`, which it then announces (`Content-Language`,
 * `Vary: Accept-Language`), as LocaleMiddleware does on every response.
 */
export function responseLanguage(ctx: Context): string {
  const settings = findInstance(ctx)?.settings;
  if (settings === undefined) return 'en';
  if (!settings.acceptLanguage) return settings.locale;
  const language = negotiateLanguage(ctx.get('accept-language'), settings.locale);
  ctx.vary('Accept-Language');
  ctx.set('Content-Language', language);
  return language;
}
