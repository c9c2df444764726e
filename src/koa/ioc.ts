import { instanceFrom } from './instance-context.js';
import type { IocContainer } from '@tsoa/runtime';
import type { Request } from 'koa';
import type { SimpleJwt } from '../create-simple-jwt.js';

/**
 * tsoa's `iocModule`: a per-request factory, so each controller is built with the instance of the
 * app serving the request (two apps with different keys in one process stay apart).
 */
export function iocContainer(request: Request): IocContainer {
  return {
    get<T>(controller: unknown): T {
      const Controller = controller as new (instance: SimpleJwt) => T;
      return new Controller(instanceFrom(request.ctx));
    },
  } as IocContainer;
}
