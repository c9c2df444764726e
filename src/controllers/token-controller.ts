import { Body, Controller, Example, Middlewares, OperationId, Post, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import { bodyFields, credentialFields } from '../koa/body-fields.js';
import { clientInfo } from '../koa/client-info.js';
import {
  EXAMPLE_ACCESS_TOKEN,
  EXAMPLE_NOT_A_DICTIONARY,
  EXAMPLE_PARSE_ERROR,
  EXAMPLE_REFRESH_TOKEN,
  EXAMPLE_REFRESHED_ACCESS_TOKEN,
  EXAMPLE_ROTATED_REFRESH_TOKEN,
  EXAMPLE_REQUEST_TOO_LARGE,
  EXAMPLE_SERVER_ERROR,
  EXAMPLE_SERVICE_UNAVAILABLE,
  EXAMPLE_THROTTLED,
  EXAMPLE_UNSUPPORTED_MEDIA_TYPE,
} from './token-examples.js';
import type { Request as KoaRequest } from 'koa';
import type { SimpleJwt } from '../create-simple-jwt.js';
import type {
  AccountErrorBody,
  DetailErrorBody,
  EmptyResponse,
  FieldErrors,
  TokenErrorBody,
  TokenObtainPairRequest,
  TokenPairResponse,
  TokenRefreshRequest,
  TokenRefreshResponse,
  TokenVerifyRequest,
} from './token-models.js';

/** Simple JWT's pair endpoints. Each method is one service call. */
@Route('token')
@Tags('token')
export class TokenController extends Controller {
  constructor(private readonly jwt: SimpleJwt) {
    super();
  }

  /**
   * Exchanges a username and password for an access/refresh pair (Simple JWT's
   * `TokenObtainPairView`). Send the access token as `Authorization: Bearer <access>`; when it
   * expires, exchange the refresh token at `POST /token/refresh`.
   *
   * An unknown user, a wrong password, an inactive user and a failing authentication rule all
   * answer the same 401, so the response does not tell which usernames exist. The body may also
   * be sent as `application/x-www-form-urlencoded`; a trailing slash (`/token/`) is accepted.
   * @summary Obtain an access/refresh token pair
   * @example body {"username": "alice", "password": "correct horse battery staple"}
   */
  @Post()
  @OperationId('token_obtain_pair')
  @Middlewares(credentialFields())
  @SuccessResponse(200, 'The new pair')
  @Example<TokenPairResponse>({ refresh: EXAMPLE_REFRESH_TOKEN, access: EXAMPLE_ACCESS_TOKEN }, 'pair')
  @Response<FieldErrors | DetailErrorBody>(400, 'A field is missing, blank, null or not a string; or the body is not a JSON object', { password: ['This field is required.'] })
  @Response<FieldErrors | DetailErrorBody>(400, 'A field is missing, blank, null or not a string; or the body is not a JSON object', { username: ['This field may not be blank.'] })
  @Response<FieldErrors | DetailErrorBody>(400, 'A field is missing, blank, null or not a string; or the body is not a JSON object', EXAMPLE_PARSE_ERROR)
  @Response<FieldErrors | DetailErrorBody>(400, 'A field is missing, blank, null or not a string; or the body is not a JSON object', EXAMPLE_NOT_A_DICTIONARY)
  @Response<AccountErrorBody>(401, 'No active account matches the credentials', { detail: 'No active account found with the given credentials' })
  @Response<DetailErrorBody>(429, 'Too many failed logins for this username or client address (loginThrottle); `Retry-After` gives the seconds to wait', EXAMPLE_THROTTLED)
  @Response<DetailErrorBody>(415, 'The body is neither JSON nor a form, or has no Content-Type', EXAMPLE_UNSUPPORTED_MEDIA_TYPE)
  @Response<DetailErrorBody>(413, 'The body is larger than 2.5 MB (Django\'s DATA_UPLOAD_MAX_MEMORY_SIZE)', EXAMPLE_REQUEST_TOO_LARGE)
  @Response<DetailErrorBody>(503, 'The user store (or the blacklist store, which records issued refresh tokens) is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<DetailErrorBody>(500, 'An unexpected failure (a throwing hook, a bug): the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async obtainPair(@Body() body: TokenObtainPairRequest, @Request() request: KoaRequest): Promise<TokenPairResponse> {
    // clientInfo: ctx.ip (the socket's address, or X-Forwarded-For's when the app sets `app.proxy`)
    // for the login throttle and the session, and the User-Agent for the session.
    return this.jwt.obtainTokenPair(body, request.ctx, clientInfo(request.ctx));
  }

  /**
   * Exchanges a refresh token for a new access token (Simple JWT's `TokenRefreshView`).
   *
   * With `rotateRefreshTokens` the answer also carries a new refresh token (a new `jti`, `iat` and
   * `exp`); with `blacklistAfterRotation` as well, the refresh token that was sent is blacklisted,
   * and of concurrent refreshes of one token exactly one succeeds. The token's user must still
   * exist and be active (401 `No active account found for the given token.` otherwise) and, with
   * `checkRevokeToken`, must not have changed their password since the token was issued.
   *
   * With reuse detection (a family store), a refresh token already rotated and sent again within
   * `reuseGraceSeconds` (default 10) of its rotation gets the same new refresh token back, with a
   * fresh access token (a safe retry); sent again later, it revokes its whole session (every
   * refresh token of that login) and answers 401 `Token is blacklisted`.
   * @summary Refresh an access token
   * @example body {"refresh": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6MTc2NzM1NTIwMCwiaWF0IjoxNzY3MjY4ODAwLCJqdGkiOiI4ZjNiMmMxZDllMGE0YjdjOGQ2ZTVmNGEzYjJjMWQwZSIsInVzZXJfaWQiOiIxIn0.ceAZSQekHY19OTZGmEwCXBVVBbY3ncSSyRndnb9ur_E"}
   */
  @Post('refresh')
  @OperationId('token_refresh')
  @Middlewares(bodyFields('refresh'))
  @SuccessResponse(200, 'A new access token (and, when rotating, a new refresh token)')
  @Example<TokenRefreshResponse>({ access: EXAMPLE_REFRESHED_ACCESS_TOKEN }, 'access')
  @Example<TokenRefreshResponse>({ access: EXAMPLE_REFRESHED_ACCESS_TOKEN, refresh: EXAMPLE_ROTATED_REFRESH_TOKEN }, 'rotated')
  @Response<FieldErrors | DetailErrorBody>(400, 'The field is missing, blank, null or not a string; or the body is not a JSON object', { refresh: ['This field is required.'] })
  @Response<FieldErrors | DetailErrorBody>(400, 'The field is missing, blank, null or not a string; or the body is not a JSON object', EXAMPLE_PARSE_ERROR)
  @Response<TokenErrorBody | AccountErrorBody>(401, 'The token was refused (code `token_not_valid`), or its user no longer may log in', { detail: 'Token is expired', code: 'token_not_valid' })
  @Response<TokenErrorBody | AccountErrorBody>(401, 'The token was refused (code `token_not_valid`), or its user no longer may log in', { detail: 'Token is blacklisted', code: 'token_not_valid' })
  @Response<TokenErrorBody | AccountErrorBody>(401, 'The token was refused (code `token_not_valid`), or its user no longer may log in', { detail: 'Token has wrong type', code: 'token_not_valid' })
  @Response<TokenErrorBody | AccountErrorBody>(401, 'The token was refused (code `token_not_valid`), or its user no longer may log in', { detail: 'No active account found for the given token.' })
  @Response<TokenErrorBody | AccountErrorBody>(401, 'The token was refused (code `token_not_valid`), or its user no longer may log in', { detail: "The user's password has been changed." })
  @Response<DetailErrorBody>(415, 'The body is neither JSON nor a form, or has no Content-Type', EXAMPLE_UNSUPPORTED_MEDIA_TYPE)
  @Response<DetailErrorBody>(413, 'The body is larger than 2.5 MB (Django\'s DATA_UPLOAD_MAX_MEMORY_SIZE)', EXAMPLE_REQUEST_TOO_LARGE)
  @Response<DetailErrorBody>(503, 'The user store or the blacklist store is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<DetailErrorBody>(500, 'An unexpected failure (a throwing hook, a bug): the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async refresh(@Body() body: TokenRefreshRequest, @Request() request: KoaRequest): Promise<TokenRefreshResponse> {
    return this.jwt.refreshAccessToken(body.refresh, clientInfo(request.ctx));
  }

  /**
   * Checks a token's signature, expiry and id, whatever its type (Simple JWT's `TokenVerifyView`).
   * A valid token answers an empty object. The token's user is not looked up. With
   * `blacklistAfterRotation`, a blacklisted token is a 400 `non_field_errors` answer, as in
   * Simple JWT.
   * @summary Verify a token
   * @example body {"token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzY3MjY5MTAwLCJpYXQiOjE3NjcyNjg4MDAsImp0aSI6IjFhMmIzYzRkNWU2ZjQ3YThiOWMwZDFlMmYzYTRiNWM2IiwidXNlcl9pZCI6IjEifQ.ttVJVNGfEregctHnHErOx9gbLA_Ktu8Sz73JwdYelIY"}
   */
  @Post('verify')
  @OperationId('token_verify')
  @Middlewares(bodyFields('token'))
  @SuccessResponse(200, 'The token is valid')
  @Example<EmptyResponse>({}, 'valid')
  @Response<FieldErrors | DetailErrorBody>(400, 'The field is missing, blank, null or not a string; the body is not a JSON object; or (with blacklistAfterRotation) the token is blacklisted', { token: ['This field is required.'] })
  @Response<FieldErrors | DetailErrorBody>(400, 'The field is missing, blank, null or not a string; the body is not a JSON object; or (with blacklistAfterRotation) the token is blacklisted', { non_field_errors: ['Token is blacklisted'] })
  @Response<FieldErrors | DetailErrorBody>(400, 'The field is missing, blank, null or not a string; the body is not a JSON object; or (with blacklistAfterRotation) the token is blacklisted', EXAMPLE_PARSE_ERROR)
  @Response<TokenErrorBody>(401, 'The token was refused (code `token_not_valid`)', { detail: 'Token is expired', code: 'token_not_valid' })
  @Response<TokenErrorBody>(401, 'The token was refused (code `token_not_valid`)', { detail: 'Token is invalid', code: 'token_not_valid' })
  @Response<DetailErrorBody>(415, 'The body is neither JSON nor a form, or has no Content-Type', EXAMPLE_UNSUPPORTED_MEDIA_TYPE)
  @Response<DetailErrorBody>(413, 'The body is larger than 2.5 MB (Django\'s DATA_UPLOAD_MAX_MEMORY_SIZE)', EXAMPLE_REQUEST_TOO_LARGE)
  @Response<DetailErrorBody>(503, 'The blacklist store is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<DetailErrorBody>(500, 'An unexpected failure (a throwing hook, a bug): the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async verify(@Body() body: TokenVerifyRequest): Promise<EmptyResponse> {
    return this.jwt.verifyToken(body.token);
  }

  /**
   * Blacklists a refresh token so that it can no longer be refreshed: Simple JWT's
   * `TokenBlacklistView`, the "log out" of a client that holds a refresh token. The token is
   * verified first, so an access token is refused (`Token has wrong type`), and blacklisting a
   * token twice is a 401 `Token is blacklisted`.
   *
   * Mounted only when a blacklist store is configured (`blacklistStore`); otherwise this path
   * answers 404.
   * @summary Blacklist a refresh token
   * @example body {"refresh": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6MTc2NzM1NTIwMCwiaWF0IjoxNzY3MjY4ODAwLCJqdGkiOiI4ZjNiMmMxZDllMGE0YjdjOGQ2ZTVmNGEzYjJjMWQwZSIsInVzZXJfaWQiOiIxIn0.ceAZSQekHY19OTZGmEwCXBVVBbY3ncSSyRndnb9ur_E"}
   */
  @Post('blacklist')
  @OperationId('token_blacklist')
  @Middlewares(bodyFields('refresh'))
  @SuccessResponse(200, 'The token is blacklisted')
  @Example<EmptyResponse>({}, 'blacklisted')
  @Response<FieldErrors | DetailErrorBody>(400, 'The field is missing, blank, null or not a string; or the body is not a JSON object', { refresh: ['This field is required.'] })
  @Response<FieldErrors | DetailErrorBody>(400, 'The field is missing, blank, null or not a string; or the body is not a JSON object', EXAMPLE_PARSE_ERROR)
  @Response<TokenErrorBody>(401, 'The token was refused (code `token_not_valid`)', { detail: 'Token is blacklisted', code: 'token_not_valid' })
  @Response<TokenErrorBody>(401, 'The token was refused (code `token_not_valid`)', { detail: 'Token has wrong type', code: 'token_not_valid' })
  @Response<DetailErrorBody>(415, 'The body is neither JSON nor a form, or has no Content-Type', EXAMPLE_UNSUPPORTED_MEDIA_TYPE)
  @Response<DetailErrorBody>(413, 'The body is larger than 2.5 MB (Django\'s DATA_UPLOAD_MAX_MEMORY_SIZE)', EXAMPLE_REQUEST_TOO_LARGE)
  @Response<DetailErrorBody>(503, 'The blacklist store is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<DetailErrorBody>(500, 'An unexpected failure (a throwing hook, a bug): the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async blacklist(@Body() body: TokenRefreshRequest): Promise<EmptyResponse> {
    return this.jwt.blacklistToken(body.refresh);
  }
}
