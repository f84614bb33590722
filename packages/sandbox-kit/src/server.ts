import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { SandboxEnv } from './transport.ts';

export interface ListenOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1: the control routes are unauthenticated, keep it local. */
  hostname?: string;
}

export interface Listening {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly port: number;
  /** Stops listening and destroys open connections, hanging requests included. */
  close(): Promise<void>;
}

/** Serves a sandbox's app until `close()`. */
export async function listen(app: Hono<SandboxEnv>, options: ListenOptions = {}): Promise<Listening> {
  const hostname = options.hostname ?? '127.0.0.1';
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve, reject) => {
      const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname }, (info: AddressInfo) =>
        resolve({ server, port: info.port }),
      );
      server.once('error', reject);
    },
  );
  let closing: Promise<void> | undefined;
  return {
    origin: `http://${hostname}:${port}`,
    port,
    // Idempotent: a test may close early and its cleanup hook close again.
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      return closing;
    },
  };
}
