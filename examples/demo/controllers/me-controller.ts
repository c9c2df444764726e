import { Body, Controller, Get, Post, Request, Response, Route, Security, Tags } from '@tsoa/runtime';
import type { Request as KoaRequest } from 'koa';
// In an app: import type { AuthenticationErrorBody, DetailErrorBody } from 'koa-simple-jwt'. (From
// src/index.ts tsoa would also find the library's own controllers, which the app mounts separately.)
import type { AuthenticationErrorBody, DetailErrorBody } from '../../../src/controllers/token-models.js';

/** Who the bearer of the access token is. */
export interface Me {
  /** @example "1" */
  id: string;
  /** @example "demo" */
  username: string;
}

/** A note the user posts. */
export interface NoteInput {
  /**
   * @minLength 1
   * @example "hello"
   */
  text: string;
}

/** The posted note, signed by its author. */
export interface Note {
  /** @example "demo" */
  author: string;
  /** @example "hello" */
  text: string;
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
  @Response<AuthenticationErrorBody>(401, 'No valid access token, or its user is gone, inactive or has changed password')
  @Response<DetailErrorBody>(503, 'The user store is unavailable')
  public async me(@Request() request: KoaRequest): Promise<Me> {
    return describeUser(request);
  }

  /**
   * Echoes a note with its author: a protected route that reads a JSON body (the app's body
   * parser reads it: `app.use(bodyParser())` in app.ts).
   * @summary Post a note
   */
  @Post('notes')
  @Security('jwt')
  @Response<AuthenticationErrorBody>(401, 'No valid access token, or its user is gone, inactive or has changed password')
  @Response<DetailErrorBody>(503, 'The user store is unavailable')
  public async postNote(@Request() request: KoaRequest, @Body() note: NoteInput): Promise<Note> {
    return { author: describeUser(request).username, text: note.text };
  }

  /**
   * Answers with the user authenticated by a sliding token.
   * @summary The current user, by sliding token
   */
  @Get('sliding')
  @Security('jwt_sliding')
  @Response<AuthenticationErrorBody>(401, 'No valid sliding token (or it is blacklisted), or its user is gone, inactive or has changed password')
  @Response<DetailErrorBody>(503, 'The user store or the blacklist is unavailable')
  public async meBySlidingToken(@Request() request: KoaRequest): Promise<Me> {
    return describeUser(request);
  }

  /**
   * Answers with the user authenticated by an access or a sliding token.
   * @summary The current user, by access or sliding token
   */
  @Get('any')
  @Security('jwt_any')
  @Response<AuthenticationErrorBody>(401, 'Neither a valid access token nor a valid sliding token, or the user is gone, inactive or has changed password')
  @Response<DetailErrorBody>(503, 'The user store or the blacklist is unavailable')
  public async meByAnyToken(@Request() request: KoaRequest): Promise<Me> {
    return describeUser(request);
  }
}

function describeUser(request: KoaRequest): Me {
  const user = request.ctx.state.user as { id: string | number; username: string };
  return { id: String(user.id), username: user.username };
}
