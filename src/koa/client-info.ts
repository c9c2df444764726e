import type { Context } from 'koa';
import type { ClientInfo } from '../families/family-store.js';

/**
 * Who made the request, for families (a session's user agent and IP hash) and
 * `onReuseDetected`: Koa's `ctx.ip` (which follows `X-Forwarded-For` only when the app sets
 * `app.proxy`) and the `User-Agent` header, cut to 512 characters.
 */
export function clientInfo(ctx: Context): ClientInfo {
  const userAgent = ctx.get('user-agent');
  return { ip: ctx.ip || undefined, userAgent: userAgent ? userAgent.slice(0, 512) : undefined };
}
