/**
 * What koa-simple-jwt puts on `ctx.state`, typed for the app through Koa's `DefaultState`.
 *
 * The user is an {@link AuthUser} from the user store (or a {@link TokenUser} for stateless
 * security names). An app with a user type of its own registers it once:
 *
 * @example
 * declare module 'koa-simple-jwt' {
 *   interface Register { user: MyUser }
 * }
 * // now ctx.state.user is MyUser | undefined everywhere
 */
import type { AuthUser } from '../stores/user-store.js';
import type { Token } from '../tokens/token.js';
import type { TokenUser } from '../authentication/token-user.js';

/** Augment this interface with `user: YourUser` to type `ctx.state.user` as your own type. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Register {}

/** The type of `ctx.state.user`: the registered one, else `AuthUser | TokenUser`. */
export type RegisteredUser = Register extends { user: infer User } ? User : AuthUser | TokenUser;

/** What authentication puts on `ctx.state`. */
export interface SimpleJwtState {
  /** The authenticated user; set by `@Security` routes and `jwt.protect()`. */
  user?: RegisteredUser;
  /** The validated token the user was authenticated with. */
  token?: Token;
}

declare module 'koa' {
  // Merged into Koa's DefaultState, so `ctx.state.user` is typed in every middleware.
  interface DefaultState extends SimpleJwtState {}
}
