import type { Context } from 'koa';

/**
 * Marks the socket error of a client that goes away before sending its whole request body as
 * the client's fault: `status` 400 and `expose`, the two marks by which Koa's `app.onerror` tells
 * a client error from a server error (it logs only the latter). Koa reports that socket error on
 * the app (`on-finished`), and node gives it as a parse error (`HPE_INVALID_EOF_STATE`) or a
 * reset: without the marks every abandoned upload is logged as a server fault.
 *
 * @example
 * markClientAbort(ctx); // before the body is read
 */
export function markClientAbort(ctx: Context): void {
  const { req } = ctx;
  if (req.complete) return;
  const socket = req.socket;
  const mark = (error: Error & { status?: number; expose?: boolean }): void => {
    if (req.complete) return;
    error.status = 400;
    error.expose = true;
  };
  // Before Koa's own listener, which reports the error as soon as it fires.
  socket.prependOnceListener('error', mark);
  const done = (): void => void socket.removeListener('error', mark);
  ctx.res.once('finish', done);
  ctx.res.once('close', done);
}
