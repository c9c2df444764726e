import { Body, Controller, Middlewares, OperationId, Post, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import { bodyFields } from '../koa/body-fields.js';
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
   * `TokenObtainPairView`). Unknown user, wrong password, inactive user and a failing
   * authentication rule all answer the same 401.
   * @summary Obtain an access/refresh token pair
   */
  @Post()
  @OperationId('token_obtain_pair')
  @Middlewares(bodyFields('username', 'password'))
  @SuccessResponse(200, 'The new pair')
  @Response<FieldErrors>(400, 'Field errors', { password: ['This field is required.'] })
  @Response<AccountErrorBody>(401, 'No active account', { detail: 'No active account found with the given credentials' })
  @Response<DetailErrorBody>(415, 'Unsupported media type')
  @Response<DetailErrorBody>(503, 'The user store is unavailable')
  public async obtainPair(@Body() body: TokenObtainPairRequest, @Request() request: KoaRequest): Promise<TokenPairResponse> {
    return this.jwt.obtainTokenPair(body, request.ctx);
  }

  /**
   * Exchanges a refresh token for a new access token, and for a new refresh token too when
   * rotation is on (Simple JWT's `TokenRefreshView`).
   * @summary Refresh an access token
   */
  @Post('refresh')
  @OperationId('token_refresh')
  @Middlewares(bodyFields('refresh'))
  @SuccessResponse(200, 'A new access token')
  @Response<FieldErrors>(400, 'Field errors', { refresh: ['This field is required.'] })
  @Response<TokenErrorBody | AccountErrorBody>(401, 'The token or its user was refused', { detail: 'Token is invalid', code: 'token_not_valid' })
  @Response<DetailErrorBody>(415, 'Unsupported media type')
  @Response<DetailErrorBody>(503, 'The user store is unavailable')
  public async refresh(@Body() body: TokenRefreshRequest): Promise<TokenRefreshResponse> {
    return this.jwt.refreshAccessToken(body.refresh);
  }

  /**
   * Checks a token's signature, expiry and id, whatever its type (Simple JWT's `TokenVerifyView`).
   * @summary Verify a token
   */
  @Post('verify')
  @OperationId('token_verify')
  @Middlewares(bodyFields('token'))
  @SuccessResponse(200, 'The token is valid')
  @Response<TokenErrorBody>(401, 'The token was refused', { detail: 'Token is expired', code: 'token_not_valid' })
  @Response<FieldErrors>(400, 'Field errors, or (with blacklistAfterRotation) a blacklisted token', { non_field_errors: ['Token is blacklisted'] })
  @Response<DetailErrorBody>(415, 'Unsupported media type')
  @Response<DetailErrorBody>(503, 'The blacklist store is unavailable')
  public async verify(@Body() body: TokenVerifyRequest): Promise<EmptyResponse> {
    return this.jwt.verifyToken(body.token);
  }

  /**
   * Blacklists a refresh token, so it can no longer be refreshed ("log out"); Simple JWT's
   * `TokenBlacklistView`. Mounted only when a blacklist store is configured.
   * @summary Blacklist a refresh token
   */
  @Post('blacklist')
  @OperationId('token_blacklist')
  @Middlewares(bodyFields('refresh'))
  @SuccessResponse(200, 'The token is blacklisted')
  @Response<FieldErrors>(400, 'Field errors', { refresh: ['This field is required.'] })
  @Response<TokenErrorBody>(401, 'The token was refused', { detail: 'Token is blacklisted', code: 'token_not_valid' })
  @Response<DetailErrorBody>(415, 'Unsupported media type')
  @Response<DetailErrorBody>(503, 'The blacklist store is unavailable')
  public async blacklist(@Body() body: TokenRefreshRequest): Promise<EmptyResponse> {
    return this.jwt.blacklistToken(body.refresh);
  }
}
