import { Body, Controller, Example, Middlewares, OperationId, Post, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import { bodyFields, credentialFields } from '../koa/body-fields.js';
import {
  EXAMPLE_NOT_A_DICTIONARY,
  EXAMPLE_PARSE_ERROR,
  EXAMPLE_RENEWED_SLIDING_TOKEN,
  EXAMPLE_REQUEST_TOO_LARGE,
  EXAMPLE_SERVER_ERROR,
  EXAMPLE_SERVICE_UNAVAILABLE,
  EXAMPLE_THROTTLED,
  EXAMPLE_SLIDING_TOKEN,
  EXAMPLE_UNSUPPORTED_MEDIA_TYPE,
} from './token-examples.js';
import type { Request as KoaRequest } from 'koa';
import type { SimpleJwt } from '../create-simple-jwt.js';
import type {
  AccountErrorBody,
  DetailErrorBody,
  FieldErrors,
  SlidingTokenResponse,
  TokenErrorBody,
  TokenObtainPairRequest,
  TokenRefreshSlidingRequest,
} from './token-models.js';

/** Simple JWT's sliding-token endpoints. Each method is one service call. */
@Route('token/sliding')
@Tags('token')
export class SlidingTokenController extends Controller {
  constructor(private readonly jwt: SimpleJwt) {
    super();
  }

  /**
   * Exchanges a username and password for a sliding token (Simple JWT's
   * `TokenObtainSlidingView`): one token that authenticates requests until its `exp` and can be
   * renewed at `POST /token/sliding/refresh` until its `refresh_exp`. A security name whose
   * `authTokenClasses` include `SlidingToken` accepts it as `Authorization: Bearer <token>`.
   *
   * Failures are those of `POST /token`: an unknown user, a wrong password, an inactive user and
   * a failing authentication rule all answer the same 401.
   * @summary Obtain a sliding token
   * @example body {"username": "alice", "password": "correct horse battery staple"}
   */
  @Post()
  @OperationId('token_obtain_sliding')
  @Middlewares(credentialFields())
  @SuccessResponse(200, 'The new sliding token')
  @Example<SlidingTokenResponse>({ token: EXAMPLE_SLIDING_TOKEN }, 'sliding')
  @Response<FieldErrors | DetailErrorBody>(400, 'A field is missing, blank, null or not a string; or the body is not a JSON object', { password: ['This field is required.'] })
  @Response<FieldErrors | DetailErrorBody>(400, 'A field is missing, blank, null or not a string; or the body is not a JSON object', { username: ['This field may not be blank.'] })
  @Response<FieldErrors | DetailErrorBody>(400, 'A field is missing, blank, null or not a string; or the body is not a JSON object', EXAMPLE_PARSE_ERROR)
  @Response<FieldErrors | DetailErrorBody>(400, 'A field is missing, blank, null or not a string; or the body is not a JSON object', EXAMPLE_NOT_A_DICTIONARY)
  @Response<AccountErrorBody>(401, 'No active account matches the credentials', { detail: 'No active account found with the given credentials' })
  @Response<DetailErrorBody>(429, 'Too many failed logins for this username or client address (loginThrottle); `Retry-After` gives the seconds to wait', EXAMPLE_THROTTLED)
  @Response<DetailErrorBody>(415, 'The body is neither JSON nor a form, or has no Content-Type', EXAMPLE_UNSUPPORTED_MEDIA_TYPE)
  @Response<DetailErrorBody>(413, 'The body is larger than 2.5 MB (Django\'s DATA_UPLOAD_MAX_MEMORY_SIZE)', EXAMPLE_REQUEST_TOO_LARGE)
  @Response<DetailErrorBody>(503, 'The user store (or the blacklist store, which records issued sliding tokens) is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<DetailErrorBody>(500, 'An unexpected failure (a throwing hook, a bug): the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async obtainSliding(@Body() body: TokenObtainPairRequest, @Request() request: KoaRequest): Promise<SlidingTokenResponse> {
    return this.jwt.obtainSlidingToken(body, request.ctx, request.ctx.ip);
  }

  /**
   * Renews a sliding token whose `exp` has not passed and whose refresh window is open: the same
   * token id and window, a new `exp` and `iat` (Simple JWT's `TokenRefreshSlidingView`). The
   * token's user must still exist and be active, and a blacklisted sliding token is refused.
   * @summary Refresh a sliding token
   * @example body {"token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoic2xpZGluZyIsImV4cCI6MTc2NzI2OTEwMCwiaWF0IjoxNzY3MjY4ODAwLCJqdGkiOiIwZjFlMmQzYzRiNWE0OTY4Nzc2NjU1NDQzMzIyMTEwMCIsInJlZnJlc2hfZXhwIjoxNzY3MzU1MjAwLCJ1c2VyX2lkIjoiMSJ9.Mc7z-WGFcMgK-3QpB2ww4yPn2eeJqOQ6hV6rVBtPeeo"}
   */
  @Post('refresh')
  @OperationId('token_refresh_sliding')
  @Middlewares(bodyFields('token'))
  @SuccessResponse(200, 'The renewed sliding token')
  @Example<SlidingTokenResponse>({ token: EXAMPLE_RENEWED_SLIDING_TOKEN }, 'renewed')
  @Response<FieldErrors | DetailErrorBody>(400, 'The field is missing, blank, null or not a string; or the body is not a JSON object', { token: ['This field is required.'] })
  @Response<FieldErrors | DetailErrorBody>(400, 'The field is missing, blank, null or not a string; or the body is not a JSON object', EXAMPLE_PARSE_ERROR)
  @Response<TokenErrorBody | AccountErrorBody>(401, 'The token was refused (code `token_not_valid`), or its user no longer may log in', { detail: "Token 'refresh_exp' claim has expired", code: 'token_not_valid' })
  @Response<TokenErrorBody | AccountErrorBody>(401, 'The token was refused (code `token_not_valid`), or its user no longer may log in', { detail: 'Token is expired', code: 'token_not_valid' })
  @Response<TokenErrorBody | AccountErrorBody>(401, 'The token was refused (code `token_not_valid`), or its user no longer may log in', { detail: 'Token has wrong type', code: 'token_not_valid' })
  @Response<TokenErrorBody | AccountErrorBody>(401, 'The token was refused (code `token_not_valid`), or its user no longer may log in', { detail: 'No active account found for the given token.' })
  @Response<DetailErrorBody>(415, 'The body is neither JSON nor a form, or has no Content-Type', EXAMPLE_UNSUPPORTED_MEDIA_TYPE)
  @Response<DetailErrorBody>(413, 'The body is larger than 2.5 MB (Django\'s DATA_UPLOAD_MAX_MEMORY_SIZE)', EXAMPLE_REQUEST_TOO_LARGE)
  @Response<DetailErrorBody>(503, 'The user store or the blacklist store is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<DetailErrorBody>(500, 'An unexpected failure (a throwing hook, a bug): the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async refreshSliding(@Body() body: TokenRefreshSlidingRequest): Promise<SlidingTokenResponse> {
    return this.jwt.refreshSlidingToken(body.token);
  }
}
