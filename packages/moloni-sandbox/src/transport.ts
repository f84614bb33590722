import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { parsePhpForm } from './form.ts';
import type { Params } from './params.ts';

/** On a real server `c.env` holds Node's request/response; under `app.request()` it is empty. */
export type SandboxEnv = { Bindings: Partial<HttpBindings> };
export type SandboxContext = Context<SandboxEnv>;

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/** PHP reads `?json=true`, `?json=1`… as truthy. */
export function queryFlag(url: URL, name: string): boolean {
  const value = url.searchParams.get(name);
  return value !== null && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

export class BodyParseError extends Error {}

/**
 * The call's parameters: a JSON object with `json=true`, else a PHP form body — whatever the
 * Content-Type says, as Moloni decides by the query flag.
 */
export async function readParams(c: SandboxContext, json: boolean): Promise<Params> {
  const text = await c.req.text();
  if (!json) return parsePhpForm(text);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BodyParseError('The request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BodyParseError('The JSON body must be an object');
  }
  return parsed as Params;
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
