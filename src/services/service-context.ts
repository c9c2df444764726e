import type { TokenContext } from '../tokens/token.js';
import type { UserStore } from '../stores/user-store.js';

/** What the token services work with: the token context plus the user store. */
export interface ServiceContext extends TokenContext {
  readonly userStore: UserStore | undefined;
}
