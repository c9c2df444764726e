import { Body, Controller, Example, Middlewares, OperationId, Post, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import { ninjaCredentialFields, ninjaTokenFields } from '../../profiles/ninja-jwt/ninja-body-fields.js';
import { NINJA_TOKEN_INPUTS } from '../../profiles/ninja-jwt/ninja-jwt-profile.js';
import { refreshSlidingToken } from '../../services/refresh-sliding-token.js';
import { EXAMPLE_RENEWED_SLIDING_TOKEN, EXAMPLE_REQUEST_TOO_LARGE, EXAMPLE_SERVER_ERROR, EXAMPLE_SERVICE_UNAVAILABLE, EXAMPLE_SLIDING_TOKEN } from '../token-examples.js';
import {
  NINJA_EXAMPLE_CANNOT_PARSE,
  NINJA_EXAMPLE_INVALID_TOKEN,
  NINJA_EXAMPLE_NO_ACCOUNT,
  NINJA_EXAMPLE_NO_CREDENTIALS,
  NINJA_EXAMPLE_SLIDING_TYPE,
  NINJA_EXAMPLE_USERNAME_TYPE,
  NINJA_EXAMPLE_WRONG_TYPE,
} from './ninja-examples.js';
import type { Request as KoaRequest } from 'koa';
import type { SimpleJwt } from '../../create-simple-jwt.js';
import type {
  NinjaDetailBody,
  NinjaErrorBody,
  NinjaInvalidInputBody,
  NinjaSchemaErrorBody,
  NinjaSlidingObtainResponse,
  NinjaSlidingTokenResponse,
  NinjaTokenObtainRequest,
  NinjaTokenRequest,
} from './ninja-token-models.js';

/** Ninja JWT's sliding routes (`/token/sliding`, `/token/sliding/refresh`; with verify, its `NinjaJWTSlidingController`). */
@Route('token/sliding')
@Tags('token')
export class NinjaSlidingController extends Controller {
  constructor(private readonly jwt: SimpleJwt) {
    super();
  }

  /**
   * Exchanges a login name and password for a sliding token, and echoes the login name (Ninja
   * JWT's `token_obtain_sliding`). Failures are those of `POST /token/pair`.
   * @summary Obtain a sliding token
   * @example body {"password": "correct horse battery staple", "username": "alice"}
   */
  @Post()
  @OperationId('token_obtain_sliding')
  @Middlewares(ninjaCredentialFields())
  @SuccessResponse(200, 'The new sliding token, after the login name')
  @Example<NinjaSlidingObtainResponse>({ username: 'alice', token: EXAMPLE_SLIDING_TOKEN }, 'sliding')
  @Response<NinjaInvalidInputBody | NinjaDetailBody>(400, 'A field is missing or empty, or the body is not JSON', { detail: 'Invalid input.', code: 'invalid', username: 'username is required' })
  @Response<NinjaInvalidInputBody | NinjaDetailBody>(400, 'A field is missing or empty, or the body is not JSON', NINJA_EXAMPLE_CANNOT_PARSE)
  @Response<NinjaErrorBody>(401, 'No active account matches the credentials', NINJA_EXAMPLE_NO_ACCOUNT)
  @Response<NinjaDetailBody>(413, 'The body is larger than 2.5 MB (Django\'s DATA_UPLOAD_MAX_MEMORY_SIZE)', EXAMPLE_REQUEST_TOO_LARGE)
  @Response<NinjaSchemaErrorBody>(422, 'No body, a field that is not a string, or a login name over 150 characters', NINJA_EXAMPLE_USERNAME_TYPE)
  @Response<NinjaSchemaErrorBody>(422, 'No body, a field that is not a string, or a login name over 150 characters', NINJA_EXAMPLE_NO_CREDENTIALS)
  @Response<NinjaDetailBody>(503, 'The user store (or the blacklist store, which records issued sliding tokens) is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<NinjaDetailBody>(500, 'An unexpected failure: the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async obtainSliding(@Body() body: NinjaTokenObtainRequest, @Request() request: KoaRequest): Promise<NinjaSlidingObtainResponse> {
    const { token } = await this.jwt.obtainSlidingToken(body, request.ctx);
    return { [this.jwt.settings.usernameField]: body.username, token } as unknown as NinjaSlidingObtainResponse;
  }

  /**
   * Renews a sliding token whose `exp` has not passed and whose refresh window is open: the same
   * token id and window, a new `exp` and `iat` (Ninja JWT's `token_refresh_sliding`). As in Ninja
   * JWT, the token's user is not looked up.
   * @summary Refresh a sliding token
   * @example body {"token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoic2xpZGluZyIsImV4cCI6MTc2NzI2OTEwMCwiaWF0IjoxNzY3MjY4ODAwLCJqdGkiOiIwZjFlMmQzYzRiNWE0OTY4Nzc2NjU1NDQzMzIyMTEwMCIsInJlZnJlc2hfZXhwIjoxNzY3MzU1MjAwLCJ1c2VyX2lkIjoiMSJ9.Mc7z-WGFcMgK-3QpB2ww4yPn2eeJqOQ6hV6rVBtPeeo"}
   */
  @Post('refresh')
  @OperationId('token_refresh_sliding')
  @Middlewares(ninjaTokenFields(NINJA_TOKEN_INPUTS.slidingRefresh))
  @SuccessResponse(200, 'The renewed sliding token')
  @Example<NinjaSlidingTokenResponse>({ token: EXAMPLE_RENEWED_SLIDING_TOKEN }, 'renewed')
  @Response<NinjaInvalidInputBody | NinjaDetailBody>(400, 'The field is missing or empty, or the body is not JSON', { detail: 'Invalid input.', code: 'invalid', token: 'token is required' })
  @Response<NinjaInvalidInputBody | NinjaDetailBody>(400, 'The field is missing or empty, or the body is not JSON', NINJA_EXAMPLE_CANNOT_PARSE)
  @Response<NinjaErrorBody>(401, 'The token was refused', NINJA_EXAMPLE_INVALID_TOKEN)
  @Response<NinjaErrorBody>(401, 'The token was refused', { detail: "Token 'refresh_exp' claim has expired", code: 'token_not_valid' })
  @Response<NinjaErrorBody>(401, 'The token was refused', NINJA_EXAMPLE_WRONG_TYPE)
  @Response<NinjaDetailBody>(413, 'The body is larger than 2.5 MB (Django\'s DATA_UPLOAD_MAX_MEMORY_SIZE)', EXAMPLE_REQUEST_TOO_LARGE)
  @Response<NinjaSchemaErrorBody>(422, 'No body, or a field that is not a string', NINJA_EXAMPLE_SLIDING_TYPE)
  @Response<NinjaDetailBody>(503, 'The blacklist store is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<NinjaDetailBody>(500, 'An unexpected failure: the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async refreshSliding(@Body() body: NinjaTokenRequest): Promise<NinjaSlidingTokenResponse> {
    return refreshSlidingToken(this.jwt.context, body.token, { checkUser: false });
  }
}
