import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

/** A TCP proxy in front of PostgreSQL that a test can silence, as a partition or a NAT would. */
export interface TcpProxy {
  /** `url` with its host and port replaced by the proxy's. */
  url: string;
  /** Stops forwarding in both directions without closing anything; new connections hang too. */
  silence(): void;
  /** Forwards again: what was held back is delivered, as after a healed partition. */
  resume(): void;
  close(): Promise<void>;
}

/**
 * Forwards the server's messages except NotificationResponse ('A'), as a pooler in transaction
 * mode loses them: every server message is a type byte and a length (no SSL is negotiated).
 */
function withoutNotifications(write: (chunk: Buffer) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    let offset = 0;
    while (pending.length - offset >= 5) {
      const length = pending.readInt32BE(offset + 1);
      if (pending.length - offset < 1 + length) break;
      if (pending[offset] !== 0x41) write(pending.subarray(offset, offset + 1 + length));
      offset += 1 + length;
    }
    pending = pending.subarray(offset);
  };
}

/**
 * Starts a proxy on a free loopback port forwarding to `url`'s host and port.
 *
 * @example
 * const proxy = await startTcpProxy(db.connectionString);
 * const mirror = await BlacklistMirror.start(store, { connection: proxy.url });
 * proxy.silence(); // the listening connection goes quiet; nothing is closed
 * // `dropNotifications`: forwards everything but notifications, as a pooler in transaction mode.
 */
export async function startTcpProxy(url: string, options: { dropNotifications?: boolean } = {}): Promise<TcpProxy> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  let silent = false;
  // Paused sockets keep what they receive (in the kernel's buffers) until resumed.
  const track = (socket: Socket) => {
    sockets.add(socket);
    if (silent) socket.pause();
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((downstream) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    track(downstream);
    track(upstream);
    downstream.on('data', (chunk) => upstream.write(chunk));
    const toClient = options.dropNotifications ? withoutNotifications((chunk) => downstream.write(chunk)) : (chunk: Buffer) => downstream.write(chunk);
    upstream.on('data', toClient);
    for (const [socket, other] of [[downstream, upstream], [upstream, downstream]] as const) {
      socket.on('error', () => other.destroy());
      socket.on('close', () => other.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as AddressInfo).port);
  return {
    url: proxied.toString(),
    silence: () => {
      silent = true;
      for (const socket of sockets) socket.pause();
    },
    resume: () => {
      silent = false;
      for (const socket of sockets) socket.resume();
    },
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
