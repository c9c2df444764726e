import { Body, Controller, Example, Middlewares, OperationId, Post, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import { ninjaCredentialFields, ninjaTokenFields } from '../../profiles/ninja-jwt/ninja-body-fields.js';
import { NINJA_TOKEN_INPUTS } from '../../profiles/ninja-jwt/ninja-jwt-profile.js';
import { clientInfo } from '../../koa/client-info.js';
import { refreshAccessToken } from '../../services/refresh-access-token.js';
import { EXAMPLE_ACCESS_TOKEN, EXAMPLE_REFRESH_TOKEN, EXAMPLE_REFRESHED_ACCESS_TOKEN, EXAMPLE_REQUEST_TOO_LARGE, EXAMPLE_ROTATED_REFRESH_TOKEN, EXAMPLE_SERVER_ERROR, EXAMPLE_SERVICE_UNAVAILABLE } from '../token-examples.js';
import {
  NINJA_EXAMPLE_BLACKLISTED,
  NINJA_EXAMPLE_CANNOT_PARSE,
  NINJA_EXAMPLE_INVALID_TOKEN,
  NINJA_EXAMPLE_NO_ACCOUNT,
  NINJA_EXAMPLE_NO_CREDENTIALS,
  NINJA_EXAMPLE_REFRESH_TYPE,
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
  NinjaTokenObtainRequest,
  NinjaTokenPairResponse,
  NinjaTokenRefreshRequest,
  NinjaTokenRefreshResponse,
} from './ninja-token-models.js';

/** Ninja JWT's pair routes (`/token/pair`, `/token/refresh`; with verify, its `NinjaJWTDefaultController`). */
@Route('token')
@Tags('token')
export class NinjaPairController extends Controller {
  constructor(private readonly jwt: SimpleJwt) {
    super();
  }

  /**
   * Exchanges a login name and password for an access/refresh pair, and echoes the login name
   * (Ninja JWT's `token_obtain_pair`). An unknown user, a wrong password, an inactive user and a
   * failing authentication rule all answer the same 401. The body is read as JSON whatever its
   * `Content-Type`.
   * @summary Obtain an access/refresh token pair
   * @example body {"password": "correct horse battery staple", "username": "alice"}
   */
  @Post('pair')
  @OperationId('token_obtain_pair')
  @Middlewares(ninjaCredentialFields())
  @SuccessResponse(200, 'The new pair, after the login name')
  @Example<NinjaTokenPairResponse>({ username: 'alice', refresh: EXAMPLE_REFRESH_TOKEN, access: EXAMPLE_ACCESS_TOKEN }, 'pair')
  @Response<NinjaInvalidInputBody | NinjaDetailBody>(400, 'A field is missing or empty, or the body is not JSON', { detail: 'Invalid input.', code: 'invalid', username: 'username is required', password: 'password is required' })
  @Response<NinjaInvalidInputBody | NinjaDetailBody>(400, 'A field is missing or empty, or the body is not JSON', { detail: 'Invalid input.', code: 'invalid', password: 'password is required' })
  @Response<NinjaInvalidInputBody | NinjaDetailBody>(400, 'A field is missing or empty, or the body is not JSON', NINJA_EXAMPLE_CANNOT_PARSE)
  @Response<NinjaErrorBody>(401, 'No active account matches the credentials', NINJA_EXAMPLE_NO_ACCOUNT)
  @Response<NinjaDetailBody>(413, 'The body is larger than 2.5 MB (Django\'s DATA_UPLOAD_MAX_MEMORY_SIZE)', EXAMPLE_REQUEST_TOO_LARGE)
  @Response<NinjaSchemaErrorBody>(422, 'No body, a field that is not a string, or a login name over 150 characters', NINJA_EXAMPLE_USERNAME_TYPE)
  @Response<NinjaSchemaErrorBody>(422, 'No body, a field that is not a string, or a login name over 150 characters', NINJA_EXAMPLE_NO_CREDENTIALS)
  @Response<NinjaDetailBody>(503, 'The user store (or the blacklist store, which records issued refresh tokens) is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<NinjaDetailBody>(500, 'An unexpected failure: the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async obtainPair(@Body() body: NinjaTokenObtainRequest, @Request() request: KoaRequest): Promise<NinjaTokenPairResponse> {
    const pair = await this.jwt.obtainTokenPair(body, request.ctx, clientInfo(request.ctx));
    return { [this.jwt.settings.usernameField]: body.username, ...pair } as unknown as NinjaTokenPairResponse;
  }

  /**
   * Exchanges a refresh token for a new access token (Ninja JWT's `token_refresh`). The answer
   * always carries `refresh`: the new one with `rotateRefreshTokens`, otherwise the one that was
   * sent. As in Ninja JWT, the token's user is not looked up.
   * @summary Refresh an access token
   * @example body {"refresh": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6MTc2NzM1NTIwMCwiaWF0IjoxNzY3MjY4ODAwLCJqdGkiOiI4ZjNiMmMxZDllMGE0YjdjOGQ2ZTVmNGEzYjJjMWQwZSIsInVzZXJfaWQiOiIxIn0.ceAZSQekHY19OTZGmEwCXBVVBbY3ncSSyRndnb9ur_E"}
   */
  @Post('refresh')
  @OperationId('token_refresh')
  @Middlewares(ninjaTokenFields(NINJA_TOKEN_INPUTS.refresh))
  @SuccessResponse(200, 'The refresh token (new when rotating) and a new access token')
  @Example<NinjaTokenRefreshResponse>({ refresh: EXAMPLE_REFRESH_TOKEN, access: EXAMPLE_REFRESHED_ACCESS_TOKEN }, 'kept')
  @Example<NinjaTokenRefreshResponse>({ refresh: EXAMPLE_ROTATED_REFRESH_TOKEN, access: EXAMPLE_REFRESHED_ACCESS_TOKEN }, 'rotated')
  @Response<NinjaInvalidInputBody | NinjaDetailBody>(400, 'The field is missing or empty, or the body is not JSON', { detail: 'Invalid input.', code: 'invalid', refresh: 'token is required' })
  @Response<NinjaInvalidInputBody | NinjaDetailBody>(400, 'The field is missing or empty, or the body is not JSON', NINJA_EXAMPLE_CANNOT_PARSE)
  @Response<NinjaErrorBody>(401, 'The token was refused', NINJA_EXAMPLE_INVALID_TOKEN)
  @Response<NinjaErrorBody>(401, 'The token was refused', NINJA_EXAMPLE_BLACKLISTED)
  @Response<NinjaErrorBody>(401, 'The token was refused', NINJA_EXAMPLE_WRONG_TYPE)
  @Response<NinjaDetailBody>(413, 'The body is larger than 2.5 MB (Django\'s DATA_UPLOAD_MAX_MEMORY_SIZE)', EXAMPLE_REQUEST_TOO_LARGE)
  @Response<NinjaSchemaErrorBody>(422, 'No body, or a field that is not a string', NINJA_EXAMPLE_REFRESH_TYPE)
  @Response<NinjaDetailBody>(503, 'The blacklist store is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<NinjaDetailBody>(500, 'An unexpected failure: the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async refresh(@Body() body: NinjaTokenRefreshRequest): Promise<NinjaTokenRefreshResponse> {
    const result = await refreshAccessToken(this.jwt.context, body.refresh, { checkUser: false });
    return { refresh: result.refresh ?? body.refresh, access: result.access };
  }
}
