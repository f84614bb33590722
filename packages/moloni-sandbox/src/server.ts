import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createMoloniSandbox, type MoloniSandbox, type MoloniSandboxOptions } from './sandbox.ts';

export interface StartOptions extends MoloniSandboxOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1: the sandbox has unauthenticated control routes, keep it local. */
  hostname?: string;
}

export interface RunningMoloniSandbox {
  /** `http://127.0.0.1:<port>/v1/` — what a client uses as Moloni's base URL. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:<port>` — for `/_sandbox/*` and PDF links. */
  readonly origin: string;
  readonly port: number;
  readonly sandbox: MoloniSandbox;
  /** Stops listening and destroys open connections, hanging requests included. */
  close(): Promise<void>;
}

export async function startMoloniSandbox(options: StartOptions = {}): Promise<RunningMoloniSandbox> {
  const sandbox = createMoloniSandbox(options);
  const hostname = options.hostname ?? '127.0.0.1';
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve, reject) => {
      const server = serve(
        { fetch: sandbox.app.fetch, port: options.port ?? 0, hostname },
        (info: AddressInfo) => resolve({ server, port: info.port }),
      );
      server.once('error', reject);
    },
  );
  const origin = `http://${hostname}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    baseUrl: `${origin}/v1/`,
    origin,
    port,
    sandbox,
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
