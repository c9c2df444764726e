import { readFileSync } from 'node:fs';
import type { Middleware } from 'koa';

const HTML = readFileSync(new URL('./public/index.html', import.meta.url), 'utf8');
const SCRIPT = readFileSync(new URL('./public/login.js', import.meta.url), 'utf8');
/** The page loads nothing but itself and its script: injected markup could run no script. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The demo's login page at `/` (plain HTML and one module script at `/login.js`), for the
 * refresh cookie: sign in, see the user from `/api/me`, silent refresh, sign out.
 *
 * @example
 * app.use(loginPage());
 */
export function loginPage(): Middleware {
  return async function demoLoginPage(ctx, next) {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/') {
      ctx.set('Content-Security-Policy', CSP);
      ctx.type = 'html';
      ctx.body = HTML;
    } else if (ctx.path === '/login.js') {
      ctx.type = 'text/javascript';
      ctx.body = SCRIPT;
    } else {
      return next();
    }
  };
}
