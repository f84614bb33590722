import { type ListenOptions, listen } from '@faturador/sandbox-kit';
import {
  createInvoiceXpressSandbox,
  type InvoiceXpressSandbox,
  type InvoiceXpressSandboxOptions,
} from './sandbox.ts';

export interface StartOptions extends InvoiceXpressSandboxOptions, ListenOptions {}

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
  /** Stops listening and destroys open connections, hanging requests included (idempotent). */
  close(): Promise<void>;
}

export async function startInvoiceXpressSandbox(
  options: StartOptions = {},
): Promise<RunningInvoiceXpressSandbox> {
  const sandbox = createInvoiceXpressSandbox(options);
  const { origin, port, close } = await listen(sandbox.app, options);
  return {
    origin,
    baseUrlTemplate: `${origin}/{account}`,
    accountUrl: (account) => `${origin}/${account}`,
    port,
    sandbox,
    close,
  };
}
