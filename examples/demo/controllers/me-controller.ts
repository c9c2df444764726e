import { Controller, Get, Request, Response, Route, Security, Tags } from '@tsoa/runtime';
import type { Request as KoaRequest } from 'koa';

/** Who the bearer of the access token is. */
export interface Me {
  /** @example "1" */
  id: string;
  /** @example "demo" */
  username: string;
}

/** A protected route of the demo app: the kind of controller a user writes. */
@Route('me')
@Tags('demo')
export class MeController extends Controller {
  /**
   * Answers with the authenticated user.
   * @summary The current user
   */
  @Get()
  @Security('jwt')
  @Response(401, 'No valid access token')
  public async me(@Request() request: KoaRequest): Promise<Me> {
    return describeUser(request);
  }

  /**
   * Answers with the user authenticated by a sliding token.
   * @summary The current user, by sliding token
   */
  @Get('sliding')
  @Security('jwt_sliding')
  @Response(401, 'No valid sliding token')
  public async meBySlidingToken(@Request() request: KoaRequest): Promise<Me> {
    return describeUser(request);
  }

  /**
   * Answers with the user authenticated by an access or a sliding token.
   * @summary The current user, by access or sliding token
   */
  @Get('any')
  @Security('jwt_any')
  @Response(401, 'Neither a valid access token nor a valid sliding token')
  public async meByAnyToken(@Request() request: KoaRequest): Promise<Me> {
    return describeUser(request);
  }
}

function describeUser(request: KoaRequest): Me {
  const user = request.ctx.state.user as { id: string | number; username: string };
  return { id: String(user.id), username: user.username };
}
