import { UnsupportedMediaTypeError } from '../errors.js';
import type { Context, Middleware } from 'koa';

/** The DRF parser that reads a body: `JSONParser` or `FormParser`. */
export type BodyParserKind = 'json' | 'form';

/**
 * The parser DRF picks for a `Content-Type` header, or `undefined` for its 415. DRF compares the
 * media type lowercased, ignores parameters such as `charset`, and has no notion of JSON variants:
 * `application/vnd.api+json` or `application/ld+json` is not JSON to it. (DRF would also let a
 * wildcard such as `application/*` through, as it reuses its Accept matching; a Content-Type is
 * never a wildcard (RFC 9110 §8.3), so we answer 415 instead.)
 *
 * @example
 * bodyParserFor('Application/JSON; charset=utf-8') // → 'json'
 * bodyParserFor('text/plain')                      // → undefined
 */
export function bodyParserFor(contentType: string): BodyParserKind | undefined {
  const essence = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (essence === 'application/json') return 'json';
  if (essence === 'application/x-www-form-urlencoded') return 'form';
  return undefined;
}

/** Whether the request carries a body (DRF reads a request without one as `{}`, whatever its type). */
export function hasBody(ctx: Context): boolean {
  return Boolean(ctx.request.length || ctx.get('transfer-encoding'));
}

/**
 * 415 for a body in a media type the token endpoints do not parse (DRF answers
 * `Unsupported media type "text/plain" in request.`, or `""` when the header is missing). A request
 * without a body is treated as `{}`: the body parser is switched off for it, so it never reads a
 * type refused here.
 */
export function contentTypeGuard(): Middleware {
  return async function unsupportedMediaType(ctx, next) {
    if (hasBody(ctx)) {
      const contentType = ctx.get('content-type');
      const kind = bodyParserFor(contentType);
      // koa-bodyparser finds forms with type-is, which rejects malformed parameters
      // (`application/x-www-form-urlencoded;`): refuse those rather than read them as `{}`.
      if (!kind || (kind === 'form' && !ctx.is('application/x-www-form-urlencoded'))) {
        throw new UnsupportedMediaTypeError(contentType);
      }
    } else {
      ctx.disableBodyParser = true;
    }
    await next();
  };
}
