import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';

/** On a real server `c.env` holds Node's request/response; under `app.request()` it is empty. */
export type SandboxEnv = { Bindings: Partial<HttpBindings> };
export type SandboxContext = Context<SandboxEnv>;

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/**
 * A response that never comes: resolves only when the client goes away (Node aborts the request
 * signal when the socket closes, including on sandbox shutdown).
 */
export function hang(c: SandboxContext): Promise<Response> {
  const signal = c.req.raw.signal;
  return new Promise((resolve) => {
    const done = () => resolve(new Response(null, { status: 504 }));
    if (signal.aborted) done();
    else signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Closes the TCP connection without an HTTP response. Under `app.request()` there is no socket,
 * so the response body errors instead — the closest in-process equivalent.
 */
export function drop(c: SandboxContext): Response {
  const socket = c.env?.incoming?.socket;
  if (socket) {
    socket.destroy();
    return new Response(null, { status: 500 });
  }
  return new Response(
    new ReadableStream({
      start(controller) {
        controller.error(new Error('connection dropped by a sandbox fault'));
      },
    }),
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
