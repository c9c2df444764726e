/**
 * tsoa's Koa route template (`@tsoa/cli/dist/routeGeneration/templates/koa.hbs`), adapted for
 * Koa 3, @koa/router 15 and koa-simple-jwt. Pure text in, text out: `koa-simple-jwt
 * tsoa-template` and `scripts/generate.mjs` apply it to the installed tsoa's own template, so the
 * result follows tsoa upgrades. Each change names the text it expects and fails loudly when a tsoa
 * release no longer has it.
 */

const ROUTER_IMPORT = "import type * as KoaRouter from '@koa/router';";
const RECAST = /(const koaAuthenticationRecasted = [^\n]*\n)/;
const AUTHENTICATE = '    function authenticateMiddleware(security: TsoaRoute.Security[] = []) {\n';

// Every route's authentication middleware carries its security requirement under
// Symbol.for('koa-simple-jwt.security'), so that jwt.allowedMethods(router) can authenticate a
// request before answering 405, as DRF does.
//
// A route with exactly one security name (the usual `@Security('jwt')`) calls the authentication
// module directly, with tsoa's outcome (request.user; the error's status or 401; nothing more when
// a response was already sent), without the arrays, closures and Promise.any that tsoa's general
// case builds on every request (about 10 % of an authenticated route's throughput).
const SINGLE_SECURITY_NAME = `${AUTHENTICATE}        return Object.assign(tsoaAuthenticateMiddleware(security), { [Symbol.for('koa-simple-jwt.security')]: security });
    }
${AUTHENTICATE.replace('function authenticateMiddleware', 'function tsoaAuthenticateMiddleware')}        const only = security.length === 1 && Object.keys(security[0] ?? {}).length === 1 ? Object.entries(security[0] ?? {})[0] : undefined;
        if (only !== undefined) {
            const [name, scopes] = only;
            return async function runSingleAuthenticationMiddleware(context: any, next: any) {
                let user: unknown;
                try {
                    user = await koaAuthenticationRecasted(context.request, name, scopes, context.response);
                } catch (error: any) {
                    if (context.response.body) return;
                    context.status = error.status || 401;
                    context.throw(context.status, error.message, error);
                }
                context.request['user'] = user;
                if (context.response.body) return;
                await next();
            };
        }
`;

/**
 * Four changes to tsoa's Koa template:
 * 1. `@koa/router` 15 exports a named `Router` type (tsoa imports a namespace);
 * 2. `koaAuthenticationRecasted` is marked used, for `noUnusedLocals` in projects without `@Security`;
 * 3. the single-security-name fast path above;
 * 4. each authentication middleware marked with its security requirement (for `jwt.allowedMethods`).
 *
 * @throws Error when tsoa's template no longer contains the text a change applies to.
 * @example
 * const template = deriveKoaRouteTemplate(readFileSync(require.resolve('@tsoa/cli/dist/routeGeneration/templates/koa.hbs'), 'utf8'));
 */
export function deriveKoaRouteTemplate(original: string): string {
  const missing = [
    [ROUTER_IMPORT, original.includes(ROUTER_IMPORT)],
    ['const koaAuthenticationRecasted = ', RECAST.test(original)],
    ['function authenticateMiddleware(security: TsoaRoute.Security[] = [])', original.includes(AUTHENTICATE)],
  ].filter(([, found]) => !found);
  if (missing.length > 0) {
    throw new Error(`tsoa's Koa template changed: ${missing.map(([text]) => JSON.stringify(text)).join(', ')} not found`);
  }
  return original
    .replace(ROUTER_IMPORT, "import type { Router as KoaRouter } from '@koa/router';")
    .replace(RECAST, '$1void koaAuthenticationRecasted;\n')
    .replace(AUTHENTICATE, SINGLE_SECURITY_NAME);
}
