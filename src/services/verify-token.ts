import { UntypedToken } from '../tokens/untyped-token.js';
import type { ServiceContext } from './service-context.js';

/**
 * `POST /token/verify`: the signature, `exp` and id are checked; the type is not (Simple JWT's
 * `TokenVerifySerializer`). Resolves to Simple JWT's empty body.
 */
export async function verifyToken(context: ServiceContext, encoded: string): Promise<Record<string, never>> {
  await UntypedToken.decode(context, encoded);
  return {};
}
