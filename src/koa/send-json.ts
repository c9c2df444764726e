import type { Context } from 'koa';

/**
 * Sets `body` as the JSON answer with DRF's `Content-Type: application/json` (Koa would add
 * `; charset=utf-8`, which DRF's JSONRenderer does not send).
 *
 * @example
 * sendJson(ctx, { detail: 'Token is invalid', code: 'token_not_valid' });
 */
export function sendJson(ctx: Context, body: unknown): void {
  ctx.body = body;
  ctx.set('Content-Type', 'application/json');
}
