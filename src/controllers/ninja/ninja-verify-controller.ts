import { Body, Controller, Example, Middlewares, OperationId, Post, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import { ninjaTokenFields } from '../../profiles/ninja-jwt/ninja-body-fields.js';
import { NINJA_TOKEN_INPUTS } from '../../profiles/ninja-jwt/ninja-jwt-profile.js';
import { EXAMPLE_REQUEST_TOO_LARGE, EXAMPLE_SERVER_ERROR, EXAMPLE_SERVICE_UNAVAILABLE } from '../token-examples.js';
import { NINJA_EXAMPLE_CANNOT_PARSE, NINJA_EXAMPLE_INVALID_TOKEN, NINJA_EXAMPLE_NO_TOKEN } from './ninja-examples.js';
import type { SimpleJwt } from '../../create-simple-jwt.js';
import type { NinjaDetailBody, NinjaEmptyResponse, NinjaErrorBody, NinjaInvalidInputBody, NinjaSchemaErrorBody, NinjaTokenRequest } from './ninja-token-models.js';

/** Ninja JWT's `/token/verify` (in both its default and its sliding controller). */
@Route('token')
@Tags('token')
export class NinjaVerifyController extends Controller {
  constructor(private readonly jwt: SimpleJwt) {
    super();
  }

  /**
   * Checks a token's signature, expiry and id, whatever its type (Ninja JWT's `token_verify`). With
   * `blacklistAfterRotation`, a blacklisted token is a 400 `{"detail": "Token is blacklisted",
   * "code": "invalid"}`.
   * @summary Verify a token
   * @example body {"token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzY3MjY5MTAwLCJpYXQiOjE3NjcyNjg4MDAsImp0aSI6IjFhMmIzYzRkNWU2ZjQ3YThiOWMwZDFlMmYzYTRiNWM2IiwidXNlcl9pZCI6IjEifQ.ttVJVNGfEregctHnHErOx9gbLA_Ktu8Sz73JwdYelIY"}
   */
  @Post('verify')
  @OperationId('token_verify')
  @Middlewares(ninjaTokenFields(NINJA_TOKEN_INPUTS.verify))
  @SuccessResponse(200, 'The token is valid')
  @Example<NinjaEmptyResponse>({}, 'valid')
  @Response<NinjaInvalidInputBody | NinjaDetailBody>(400, 'The field is missing or empty, the body is not JSON, or (with blacklistAfterRotation) the token is blacklisted', { detail: 'Invalid input.', code: 'invalid', token: 'token is required' })
  @Response<NinjaInvalidInputBody | NinjaDetailBody>(400, 'The field is missing or empty, the body is not JSON, or (with blacklistAfterRotation) the token is blacklisted', { detail: 'Token is blacklisted', code: 'invalid' })
  @Response<NinjaInvalidInputBody | NinjaDetailBody>(400, 'The field is missing or empty, the body is not JSON, or (with blacklistAfterRotation) the token is blacklisted', NINJA_EXAMPLE_CANNOT_PARSE)
  @Response<NinjaErrorBody>(401, 'The token was refused', NINJA_EXAMPLE_INVALID_TOKEN)
  @Response<NinjaDetailBody>(413, 'The body is larger than 2.5 MB (Django\'s DATA_UPLOAD_MAX_MEMORY_SIZE)', EXAMPLE_REQUEST_TOO_LARGE)
  @Response<NinjaSchemaErrorBody>(422, 'No body, or a body that is not a JSON object', NINJA_EXAMPLE_NO_TOKEN)
  @Response<NinjaDetailBody>(503, 'The blacklist store is unavailable', EXAMPLE_SERVICE_UNAVAILABLE)
  @Response<NinjaDetailBody>(500, 'An unexpected failure: the body is generic, the cause goes to the log', EXAMPLE_SERVER_ERROR)
  public async verify(@Body() body: NinjaTokenRequest): Promise<NinjaEmptyResponse> {
    return this.jwt.verifyToken(body.token);
  }
}
