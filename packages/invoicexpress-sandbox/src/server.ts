import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import {
  createInvoiceXpressSandbox,
  type InvoiceXpressSandbox,
  type InvoiceXpressSandboxOptions,
} from './sandbox.ts';

export interface StartOptions extends InvoiceXpressSandboxOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1: the control routes are unauthenticated, keep it local. */
  hostname?: string;
}

export interface RunningInvoiceXpressSandbox {
  /** `http://127.0.0.1:<port>` — for `/_sandbox/*`. */
  readonly origin: string;
  /**
   * What a client uses in place of `https://{account}.app.invoicexpress.com`:
   * `http://127.0.0.1:<port>/{account}` (the `{account}` placeholder is kept).
   */
  readonly baseUrlTemplate: string;
  /** The base URL of one account: `http://127.0.0.1:<port>/<account>`. */
  accountUrl(account: string): string;
  readonly port: number;
  readonly sandbox: InvoiceXpressSandbox;
  /** Stops listening and destroys open connections, hanging requests included. */
  close(): Promise<void>;
}

export async function startInvoiceXpressSandbox(
  options: StartOptions = {},
): Promise<RunningInvoiceXpressSandbox> {
  const sandbox = createInvoiceXpressSandbox(options);
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
    origin,
    baseUrlTemplate: `${origin}/{account}`,
    accountUrl: (account) => `${origin}/${account}`,
    port,
    sandbox,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      return closing;
    },
  };
}
