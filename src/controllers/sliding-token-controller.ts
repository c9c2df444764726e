import { Body, Controller, Middlewares, OperationId, Post, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import { bodyFields } from '../koa/body-fields.js';
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
   * `TokenObtainSlidingView`). Failures are those of `POST /token`.
   * @summary Obtain a sliding token
   */
  @Post()
  @OperationId('token_obtain_sliding')
  @Middlewares(bodyFields('username', 'password'))
  @SuccessResponse(200, 'The new sliding token')
  @Response<FieldErrors>(400, 'Field errors', { password: ['This field is required.'] })
  @Response<AccountErrorBody>(401, 'No active account', { detail: 'No active account found with the given credentials' })
  @Response<DetailErrorBody>(415, 'Unsupported media type')
  @Response<DetailErrorBody>(503, 'The user store is unavailable')
  public async obtainSliding(@Body() body: TokenObtainPairRequest, @Request() request: KoaRequest): Promise<SlidingTokenResponse> {
    return this.jwt.obtainSlidingToken(body, request.ctx);
  }

  /**
   * Renews a sliding token whose `exp` has not passed and whose refresh window is open: the same
   * token id and window, a new `exp` and `iat` (Simple JWT's `TokenRefreshSlidingView`).
   * @summary Refresh a sliding token
   */
  @Post('refresh')
  @OperationId('token_refresh_sliding')
  @Middlewares(bodyFields('token'))
  @SuccessResponse(200, 'The renewed sliding token')
  @Response<FieldErrors>(400, 'Field errors', { token: ['This field is required.'] })
  @Response<TokenErrorBody | AccountErrorBody>(401, 'The token or its user was refused', { detail: "Token 'refresh_exp' claim has expired", code: 'token_not_valid' })
  @Response<DetailErrorBody>(415, 'Unsupported media type')
  @Response<DetailErrorBody>(503, 'The user store is unavailable')
  public async refreshSliding(@Body() body: TokenRefreshSlidingRequest): Promise<SlidingTokenResponse> {
    return this.jwt.refreshSlidingToken(body.token);
  }
}
