import { onTestFinished } from 'vitest';
import { type RunningInvoiceXpressSandbox, type StartOptions, startInvoiceXpressSandbox } from '../server.ts';
import { DEFAULT_ACCOUNT } from '../state.ts';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

export interface TestSandbox {
  running: RunningInvoiceXpressSandbox;
  call(
    method: string,
    path: string,
    body?: unknown,
    options?: { apiKey?: string; account?: string },
  ): Promise<Reply>;
}

/** A sandbox on a free port, closed when the test ends; `call` speaks to the default account. */
export async function sandbox(options: StartOptions = {}): Promise<TestSandbox> {
  const running = await startInvoiceXpressSandbox(options);
  onTestFinished(() => running.close());
  return {
    running,
    async call(method, path, body, callOptions = {}) {
      const url = new URL(`${running.accountUrl(callOptions.account ?? DEFAULT_ACCOUNT.name)}/${path}`);
      url.searchParams.set('api_key', callOptions.apiKey ?? DEFAULT_ACCOUNT.apiKey);
      const response = await fetch(url, {
        method,
        redirect: 'manual',
        headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? null : JSON.parse(text);
      } catch {}
      return { status: response.status, headers: response.headers, body: parsed };
    },
  };
}

export function invoiceBody(overrides: Record<string, unknown> = {}, line: Record<string, unknown> = {}) {
  return {
    invoice: {
      date: '05/03/2026',
      due_date: '05/03/2026',
      reference: 'BK-7781',
      client: { name: 'Marta Sousa', code: 'guest-7781', fiscal_id: '123456789', country: 'Portugal' },
      items: [
        {
          name: 'ACCOM',
          description: '4 noites',
          unit_price: '188.68',
          quantity: '1',
          unit: 'service',
          tax: { name: 'IVA6' },
          ...line,
        },
      ],
      ...overrides,
    },
  };
}
