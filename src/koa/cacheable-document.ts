import { createHash } from 'node:crypto';
import type { Context } from 'koa';

/** A JSON document serialised once, with the strong `ETag` of its bytes. */
export interface CacheableDocument {
  readonly body: string;
  readonly etag: string;
}

/** Serialises `value` and derives its `ETag` (the SHA-256 of the body, 27 base64url characters). */
export function cacheableDocument(value: unknown): CacheableDocument {
  const body = JSON.stringify(value);
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * Answers a `GET` or `HEAD` with `document`: its `ETag` and `cacheControl` always, then a 304
 * without a body when the request's validators match it (`ctx.fresh`), else a 200 of `type`.
 */
export function sendCacheableDocument(ctx: Context, document: CacheableDocument, cacheControl: string, type: string): void {
  ctx.set('ETag', document.etag);
  ctx.set('Cache-Control', cacheControl);
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.type = type;
  ctx.body = document.body;
}
