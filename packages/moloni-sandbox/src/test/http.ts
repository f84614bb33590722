// Test helpers: a real sandbox over HTTP (global fetch, i.e. undici), closed when the test ends.
import { onTestFinished } from 'vitest';
import { encodePhpForm } from '../form.ts';
import { type RunningMoloniSandbox, type StartOptions, startMoloniSandbox } from '../server.ts';

export interface CallOptions {
  token?: string;
  /** Send a JSON body with `json=true` (default) or a PHP form body. */
  mode?: 'json' | 'form';
  humanErrors?: boolean;
  signal?: AbortSignal;
}

export interface CallResult {
  status: number;
  body: any;
}

export interface TestSandbox {
  running: RunningMoloniSandbox;
  token: string;
  companyId: number;
  call(endpoint: string, body?: Record<string, unknown>, options?: CallOptions): Promise<CallResult>;
  grant(query: Record<string, string>): Promise<CallResult>;
  control(method: string, path: string, body?: unknown): Promise<CallResult>;
}

export async function sandbox(options: StartOptions = {}): Promise<TestSandbox> {
  const running = await startMoloniSandbox(options);
  onTestFinished(() => running.close());
  const { credentials } = running.sandbox;

  const grant = async (query: Record<string, string>): Promise<CallResult> => {
    const response = await fetch(`${running.baseUrl}grant/?${new URLSearchParams(query)}`);
    return { status: response.status, body: await response.json() };
  };
  const login = await grant({
    grant_type: 'password',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    username: credentials.username,
    password: credentials.password,
  });

  const test: TestSandbox = {
    running,
    token: login.body.access_token,
    companyId: running.sandbox.companyId,
    grant,
    async call(endpoint, body = {}, options = {}) {
      const query = new URLSearchParams({ access_token: options.token ?? test.token });
      const mode = options.mode ?? 'json';
      if (mode === 'json') query.set('json', 'true');
      if (options.humanErrors) query.set('human_errors', 'true');
      const payload = { company_id: test.companyId, ...body };
      const response = await fetch(`${running.baseUrl}${endpoint}/?${query}`, {
        method: 'POST',
        headers: {
          'content-type': mode === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
        },
        body: mode === 'json' ? JSON.stringify(payload) : encodePhpForm(payload),
        signal: options.signal,
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: response.status, body: parsed };
    },
    async control(method, path, body) {
      const response = await fetch(`${running.origin}/_sandbox/${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
  };
  return test;
}

/** A `customers/insert` body Moloni accepts (its number still to be chosen). */
export const VALID_CUSTOMER = {
  vat: '509999999',
  number: '1',
  name: 'Eduardo Costa',
  language_id: 1,
  address: 'Rua do Campo Grande 45',
  zip_code: '1700-001',
  city: 'Lisboa',
  country_id: 1,
  email: 'eduardo.costa@example.pt',
  maturity_date_id: '',
  payment_method_id: '',
};

/** A PT customer and a 23% product, created through the API; returns their ids. */
export async function customerAndProduct(
  test: TestSandbox,
  customer: Record<string, unknown> = {},
): Promise<{ customerId: number; productId: number }> {
  const next = await test.call('customers/getNextNumber');
  const inserted = await test.call('customers/insert', {
    ...VALID_CUSTOMER,
    number: next.body.number,
    ...customer,
  });
  if (inserted.body.valid !== 1) throw new Error(`customer insert failed: ${JSON.stringify(inserted.body)}`);
  const reference = `SRV-${Math.random().toString(36).slice(2, 8)}`;
  const product = await test.call('products/insert', {
    category_id: 3125141,
    type: 2,
    name: 'Mensalidade',
    reference,
    price: 8.13,
    unit_id: 2156443,
    has_stock: 0,
    taxes: [{ tax_id: 2564343, value: 23, order: 0, cumulative: 0 }],
  });
  if (product.body.valid !== 1) throw new Error(`product insert failed: ${JSON.stringify(product.body)}`);
  return { customerId: inserted.body.customer_id, productId: product.body.product_id };
}

/** A one-line document body at 23% for `gross` (VAT included) per unit. */
export function documentBody(
  ids: { customerId: number; productId: number },
  overrides: Record<string, unknown> = {},
  gross = 10,
): Record<string, unknown> {
  return {
    date: '2026-05-18',
    expiration_date: '2026-05-18',
    document_set_id: 884384,
    customer_id: ids.customerId,
    our_reference: 'TI-2026-05-18-0007',
    products: [
      {
        product_id: ids.productId,
        name: 'Mensalidade',
        qty: 1,
        price: Number((gross / 1.23).toFixed(10)),
        discount: 0,
        taxes: [{ tax_id: 2564343, value: 23, order: 0, cumulative: 0 }],
      },
    ],
    ...overrides,
  };
}
