import { Controller, Delete, Get, OperationId, Path, Post, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { listSessions, logoutAll, revokeOtherSessions, revokeSession } from '../families/sessions.js';
import { EXAMPLE_SERVER_ERROR, EXAMPLE_SERVICE_UNAVAILABLE } from './token-examples.js';
import type { Request as KoaRequest } from 'koa';
import type { SimpleJwt } from '../create-simple-jwt.js';
import type { Token } from '../tokens/token.js';
import type { AuthUser } from '../stores/user-store.js';
import type { TokenUser } from '../authentication/token-user.js';
import type { AuthenticationErrorBody, DetailErrorBody, RevokedSessionsResponse, SessionResponse } from './token-models.js';

const NOT_AUTHENTICATED = { detail: 'Authentication credentials were not provided.' };

/** What `koaAuthentication` put on the request: the validated token and its user. */
function signedIn(request: KoaRequest): { token: Token; user: AuthUser | TokenUser } {
  return request.ctx.state as { token: Token; user: AuthUser | TokenUser };
}

/**
 * The signed-in user's sessions (refresh-token families): list them, end one, end the others, or
 * log out everywhere. Mounted only with a family store (`familyStore`). Every operation acts on the
 * user of the request's access token only. Each method is one service call.
 */
@Route('token')
@Tags('sessions')
@Security('jwt')
export class SessionController extends Controller {
  constructor(private readonly jwt: SimpleJwt) {
    super();
  }

  /**
   * The signed-in user's live sessions, newest first: one per login whose refresh tokens are
   * neither revoked nor all expired. `current` marks the session of the access token sent.
   * @summary List my sessions
   */
  @Get('sessions')
  @OperationId('token_sessions_list')
  @SuccessResponse(200, 'The sessions')
  @Response<AuthenticationErrorBody>(401, 'No valid access token', NOT_AUTHENTICATED)
  @Response<DetailErrorBody>(503, 'The family store is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<DetailErrorBody>(500, 'An unexpected failure: the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async listSessions(@Request() request: KoaRequest): Promise<SessionResponse[]> {
    return listSessions(this.jwt.context, signedIn(request).token);
  }

  /**
   * Ends one of the signed-in user's sessions: its refresh tokens are blacklisted on every
   * instance. Access tokens it issued live out their short lifetime (use `logout-all` to refuse
   * them too). A session of another user, an unknown or an already ended one is 404.
   * @summary End one of my sessions
   * @param id The session id, from `GET /token/sessions`.
   */
  @Delete('sessions/{id}')
  @OperationId('token_sessions_revoke')
  @SuccessResponse(204, 'The session is ended')
  @Response<AuthenticationErrorBody>(401, 'No valid access token', NOT_AUTHENTICATED)
  @Response<DetailErrorBody>(404, 'No such session of this user', { detail: 'Not found.' })
  @Response<DetailErrorBody>(503, 'The family store is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<DetailErrorBody>(500, 'An unexpected failure: the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async revokeSession(@Path() id: string, @Request() request: KoaRequest): Promise<void> {
    await revokeSession(this.jwt.context, signedIn(request).token, id);
    this.setStatus(204);
  }

  /**
   * Ends every session of the signed-in user except the one of the access token sent (all of
   * them when that one cannot be told).
   * @summary End my other sessions
   */
  @Post('sessions/revoke-others')
  @OperationId('token_sessions_revoke_others')
  @SuccessResponse(200, 'How many sessions were ended')
  @Response<AuthenticationErrorBody>(401, 'No valid access token', NOT_AUTHENTICATED)
  @Response<DetailErrorBody>(503, 'The family store is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<DetailErrorBody>(500, 'An unexpected failure: the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async revokeOtherSessions(@Request() request: KoaRequest): Promise<RevokedSessionsResponse> {
    return revokeOtherSessions(this.jwt.context, signedIn(request).token);
  }

  /**
   * Logs the signed-in user out everywhere: every token issued to the user until now, access
   * tokens included (this one too), is refused on every instance, and every session ends.
   * @summary Log out everywhere
   */
  @Post('logout-all')
  @OperationId('token_logout_all')
  @SuccessResponse(204, 'Logged out everywhere')
  @Response<AuthenticationErrorBody>(401, 'No valid access token', NOT_AUTHENTICATED)
  @Response<DetailErrorBody>(503, 'The family store or the blacklist store is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<DetailErrorBody>(500, 'An unexpected failure: the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async logoutAll(@Request() request: KoaRequest): Promise<void> {
    const { token, user } = signedIn(request);
    await logoutAll(this.jwt.context, token, user);
    this.setStatus(204);
  }
}
