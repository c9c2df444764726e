import { Body, Controller, Example, Middlewares, OperationId, Post, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import { ninjaTokenFields } from '../../profiles/ninja-jwt/ninja-body-fields.js';
import { NINJA_TOKEN_INPUTS } from '../../profiles/ninja-jwt/ninja-jwt-profile.js';
import { EXAMPLE_REQUEST_TOO_LARGE, EXAMPLE_SERVER_ERROR, EXAMPLE_SERVICE_UNAVAILABLE } from '../token-examples.js';
import { NINJA_EXAMPLE_BLACKLISTED, NINJA_EXAMPLE_CANNOT_PARSE, NINJA_EXAMPLE_NO_REFRESH, NINJA_EXAMPLE_WRONG_TYPE } from './ninja-examples.js';
import type { SimpleJwt } from '../../create-simple-jwt.js';
import type { NinjaDetailBody, NinjaEmptyResponse, NinjaErrorBody, NinjaInvalidInputBody, NinjaSchemaErrorBody, NinjaTokenRefreshRequest } from './ninja-token-models.js';

/** Ninja JWT's `TokenBlackListController`: `/token/blacklist`. */
@Route('token')
@Tags('token')
export class NinjaBlacklistController extends Controller {
  constructor(private readonly jwt: SimpleJwt) {
    super();
  }

  /**
   * Blacklists a refresh token so that it can no longer be refreshed (Ninja JWT's
   * `token_blacklist`). The token is verified first: an access token is refused (`Token has wrong
   * type`) and blacklisting a token twice is a 401 `Token is blacklisted`. Mounted only with a
   * blacklist store.
   * @summary Blacklist a refresh token
   * @example body {"refresh": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6MTc2NzM1NTIwMCwiaWF0IjoxNzY3MjY4ODAwLCJqdGkiOiI4ZjNiMmMxZDllMGE0YjdjOGQ2ZTVmNGEzYjJjMWQwZSIsInVzZXJfaWQiOiIxIn0.ceAZSQekHY19OTZGmEwCXBVVBbY3ncSSyRndnb9ur_E"}
   */
  @Post('blacklist')
  @OperationId('token_blacklist')
  @Middlewares(ninjaTokenFields(NINJA_TOKEN_INPUTS.blacklist))
  @SuccessResponse(200, 'The token is blacklisted')
  @Example<NinjaEmptyResponse>({}, 'blacklisted')
  @Response<NinjaInvalidInputBody | NinjaDetailBody>(400, 'The field is missing or empty, or the body is not JSON', { detail: 'Invalid input.', code: 'invalid', refresh: 'refresh token is required' })
  @Response<NinjaInvalidInputBody | NinjaDetailBody>(400, 'The field is missing or empty, or the body is not JSON', NINJA_EXAMPLE_CANNOT_PARSE)
  @Response<NinjaErrorBody>(401, 'The token was refused', NINJA_EXAMPLE_BLACKLISTED)
  @Response<NinjaErrorBody>(401, 'The token was refused', NINJA_EXAMPLE_WRONG_TYPE)
  @Response<NinjaDetailBody>(413, 'The body is larger than 2.5 MB (Django\'s DATA_UPLOAD_MAX_MEMORY_SIZE)', EXAMPLE_REQUEST_TOO_LARGE)
  @Response<NinjaSchemaErrorBody>(422, 'No body, or a body that is not a JSON object', NINJA_EXAMPLE_NO_REFRESH)
  @Response<NinjaDetailBody>(503, 'The blacklist store is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<NinjaDetailBody>(500, 'An unexpected failure: the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async blacklist(@Body() body: NinjaTokenRefreshRequest): Promise<NinjaEmptyResponse> {
    return this.jwt.blacklistToken(body.refresh);
  }
}
