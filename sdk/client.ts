/**
 * A typed client for the token routes: `openapi-fetch` over the types that openapi-typescript
 * generates from `spec/openapi.json` (`npm run sdk` writes `schema.d.ts` beside this file).
 * Request bodies, paths and the 200 and error bodies are all typed from the spec.
 */
import createClient from 'openapi-fetch';
import type { Client, ClientOptions } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, operations, paths } from './schema.js';

/** The client: `client.POST('/token', { body })` resolves `{ data }` on 2xx, `{ error }` otherwise. */
export type SimpleJwtClient = Client<paths>;

/** `{ refresh, access }` from `POST /token`. */
export type TokenPair = components['schemas']['TokenPairResponse'];

/** Options of {@link createSimpleJwtClient}: openapi-fetch's, with `baseUrl` required. */
export interface SimpleJwtClientOptions extends ClientOptions {
  /** Where the app mounts the token routes, e.g. `http://127.0.0.1:8000/api`. */
  baseUrl: string;
}

/**
 * A client for the token routes mounted at `baseUrl`.
 *
 * @example
 * const client = createSimpleJwtClient({ baseUrl: 'http://127.0.0.1:8000/api' });
 * const { data, error } = await client.POST('/token', { body: { username: 'demo', password: 'demo-password' } });
 * if (data) console.log(data.access); // typed: TokenPairResponse
 * else console.log(error);            // typed: the 400 / 401 / 415 / 503 bodies
 */
export function createSimpleJwtClient(options: SimpleJwtClientOptions): SimpleJwtClient {
  return createClient<paths>(options);
}
