import { Controller, Get, Request, Route, Security } from '@tsoa/runtime';
import type { Request as KoaRequest } from 'koa';

/** The body every bench route answers with. */
export interface BenchUser {
  id: string;
  username: string;
}

/**
 * The bench's own tsoa routes: one route without authentication and the same route behind each
 * security name, so that the authenticated rows differ from `GET /public` by authentication alone
 * (same router, same generated wrapper, same argument validation, same body shape).
 */
@Route('')
export class BenchController extends Controller {
  /** No authentication: the yardstick for the authenticated routes. */
  @Get('public')
  public async public(@Request() _request: KoaRequest): Promise<BenchUser> {
    return { id: '1', username: 'bench' };
  }

  /** An access token. */
  @Get('me')
  @Security('jwt')
  public async me(@Request() request: KoaRequest): Promise<BenchUser> {
    return describeUser(request);
  }

  /** A sliding token. */
  @Get('me/sliding')
  @Security('jwt_sliding')
  public async meBySlidingToken(@Request() request: KoaRequest): Promise<BenchUser> {
    return describeUser(request);
  }
}

function describeUser(request: KoaRequest): BenchUser {
  const user = request.ctx.state.user as { id: string | number; username: string };
  return { id: String(user.id), username: user.username };
}
