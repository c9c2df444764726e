import type Koa from 'koa';
import type { AddressInfo } from 'node:net';

/** A response, parsed: status, headers and the JSON body (or the text when it is not JSON). */
export interface TestResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** A real HTTP server around `app` on a free loopback port. */
export interface TestServer {
  url: string;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  request(path: string, init?: RequestInit): Promise<TestResponse>;
  close(): Promise<void>;
}

export async function serve(app: Koa): Promise<TestServer> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  async function request(path: string, init: RequestInit = {}): Promise<TestResponse> {
    const response = await fetch(url + path, init);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text, the assertion will show it
    }
    return { status: response.status, headers: response.headers, body, text };
  }
  return {
    url,
    request,
    post: (path, body, headers = {}) =>
      request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Decodes a JWT's payload without verifying it (for assertions on claims). */
export function claimsOf(token: unknown): Record<string, unknown> {
  assertString(token);
  const part = token.split('.')[1];
  assertString(part);
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function assertString(value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`expected a string, got ${JSON.stringify(value)}`);
}
