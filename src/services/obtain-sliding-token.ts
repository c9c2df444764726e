import { SlidingToken } from '../tokens/sliding-token.js';
import { authenticateCredentials, issueRecordedToken, recordLogin } from './obtain-token-pair.js';
import type { ServiceContext } from './service-context.js';
import type { Credentials } from '../stores/user-store.js';

/** The 200 body of the sliding endpoints. */
export interface SlidingTokenResult {
  token: string;
}

/**
 * `POST /token/sliding`: credentials in, one sliding token out; failures exactly as the pair
 * endpoint (Simple JWT's `TokenObtainSlidingSerializer`).
 */
export async function obtainSlidingToken(context: ServiceContext, credentials: Credentials, request: unknown, clientAddress?: string): Promise<SlidingTokenResult> {
  const user = await authenticateCredentials(context, credentials, request, clientAddress);
  const { signed } = await issueRecordedToken(context, SlidingToken, user);
  await recordLogin(context, user, request);
  return { token: signed };
}
