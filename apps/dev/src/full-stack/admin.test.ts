import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createAdminStore } from '@faturador/store';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_BODY, type Stack, startStack } from '../stack.ts';
import { launchChromium, screenshotDir, signInAs } from './browser.ts';

// The backoffice in a real browser (Debian's chromium through playwright-core), against the
// whole stack: API, worker and the Moloni sandbox.
let stack: Stack;
let browser: BrowserContext;
let page: Page;
const ADMIN = { email: 'ops@example.pt', password: 'admin-password-0001' };
const VIEWER = { email: 'viewer@example.pt', password: 'viewer-password-0001' };
const run = randomUUID().slice(0, 6);
let failedId = '';

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix(), issueAttempts: 2 });
  const admins = createAdminStore({ redis: stack.api.runtime.redis, prefix: stack.api.runtime.prefix });
  await admins.create({ ...ADMIN, role: 'admin' });
  await admins.create({ ...VIEWER, role: 'viewer' });
  for (const [i, name] of ['Ana Gonçalves', 'Bruno Gomes', 'Carla Sousa'].entries()) {
    const customer = { ...SEED_BODY.customer, name };
    const response = await stack.post(
      '/api/v1/invoices/',
      { ...SEED_BODY, reference: `WEB-${run}-${i}`, customer },
      { 'idempotency-key': randomUUID() },
    );
    expect(response.status).toBe(201);
  }
  stack.sandbox.sandbox.faults.add({ kind: 'status', status: 503, endpoint: 'invoiceReceipts/insert' });
  const failed = await stack.post(
    '/api/v1/invoices/',
    { ...SEED_BODY, reference: `WEB-${run}-FAIL` },
    { 'idempotency-key': randomUUID() },
  );
  expect(failed.status).toBe(503);
  failedId = failed.body.request_id;
  stack.sandbox.sandbox.faults.clear();
  browser = await launchChromium();
  page = browser.pages()[0] ?? (await browser.newPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const shot = (name: string) =>
  page.screenshot({ path: join(screenshotDir(), `${name}.png`), fullPage: true });

const signIn = (user: { email: string; password: string }, path = '/admin/') =>
  signInAs(browser, page, stack.url, user, path);

describe('the backoffice', () => {
  it('sends a signed-out user to sign-in, and back where they were going after it', async () => {
    await browser.clearCookies();
    await page.goto(`${stack.url}/admin/requests?state=failed`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await expect(page.getByRole('heading', { name: 'Entrar' }).isVisible()).resolves.toBe(true);
    await shot('sign-in');
    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel('Palavra-passe').fill('wrong-password-123');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('errados');
    await page.getByLabel('Palavra-passe').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Entrar' }).click();
    expect(page.url()).toBe(`${stack.url}/admin/requests?state=failed`);
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
  });

  it('shows the overview, in Portuguese and in English', async () => {
    await signIn(ADMIN);
    await expect(page.locator('[data-count="issued"]').first().textContent()).resolves.toBe('3');
    await expect(page.locator('[data-workers]').textContent()).resolves.toBe('1');
    await expect(page.getByText('MOLONI_UNAVAILABLE').count()).resolves.toBeGreaterThan(0);
    await shot('overview');
    await page.getByRole('link', { name: 'English' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Overview');
    await page.getByRole('link', { name: 'Português' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Resumo');
  });

  it('filters and searches requests by state, reference and a name prefix', async () => {
    await signIn(ADMIN, '/admin/requests');
    await expect(page.locator('tbody tr').count()).resolves.toBe(4);
    await shot('requests');
    await page.getByLabel('Estado').selectOption('issued');
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await expect(page.locator('tbody tr').count()).resolves.toBe(3);
    await page.getByLabel('Estado').selectOption('');
    await page.getByLabel('Pesquisar').fill(`WEB-${run}-1`);
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    await expect(page.locator('tbody').textContent()).resolves.toContain('Bruno Gomes');
    await page.getByLabel('Pesquisar').fill('gonç');
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    await expect(page.locator('tbody').textContent()).resolves.toContain('Ana Gonçalves');
    const csv = await page.request.get(`${stack.url}/admin/requests.csv?state=issued`);
    expect((await csv.text()).trim().split('\r\n')).toHaveLength(4);
  });

  it('opens a failed request, retries it and watches it turn completed', async () => {
    await signIn(ADMIN, `/admin/requests?state=failed`);
    await page.locator('tbody a').first().click();
    expect(page.url()).toContain(`/admin/requests/${failedId}`);
    await expect(page.locator('#state').getAttribute('data-state')).resolves.toBe('failed');
    await expect(page.getByText('MOLONI_UNAVAILABLE').count()).resolves.toBeGreaterThan(0);
    // The worker is slowed down so that the page is seen before the request completes.
    stack.sandbox.sandbox.faults.add({
      kind: 'latency',
      ms: 1500,
      endpoint: 'invoiceReceipts/insert',
      times: 1,
    });
    await page.getByRole('button', { name: 'Repetir o pedido' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Pedido repetido');
    await page.waitForSelector('#state[data-state="issued"]', { timeout: 15_000 });
    await expect(page.getByRole('link', { name: 'Abrir o PDF' }).count()).resolves.toBe(1);
    await expect(page.getByText(`admin:${ADMIN.email}`).count()).resolves.toBe(1);
    await shot('request');
  });

  it('creates a key and shows its secret once', async () => {
    await signIn(ADMIN, '/admin/clients');
    await shot('clients');
    await page.getByRole('link', { name: 'airtable_ops_prod' }).click();
    await page.getByRole('button', { name: 'Criar chave' }).click();
    const secret = await page.locator('[data-secret]').textContent();
    expect(secret).toMatch(/^as_/);
    const keyId = (await page.locator('[data-key-id]').textContent()) ?? '';
    await shot('client-key-created');
    // The key works against the API with that secret.
    const status = await stack.get('/api/v1/invoices/?limit=1', {
      'x-client-id': 'airtable_ops_prod',
      'x-api-key': keyId,
      'x-api-secret': secret ?? '',
    });
    expect(status.status).toBe(200);
    // Seen again (a GET of the same page), the secret is not there.
    await page.goto(`${stack.url}/admin/clients/airtable_ops_prod`);
    await expect(page.locator(`[data-key="${keyId}"]`).count()).resolves.toBe(1);
    await expect(page.locator('[data-secret]').count()).resolves.toBe(0);
    await expect(page.content()).resolves.not.toContain(secret);
  });

  it('tests a Moloni connection and shows the company chosen', async () => {
    await signIn(ADMIN, '/admin/connections');
    await page.getByRole('button', { name: 'Testar a ligação' }).first().click();
    await expect(page.locator('[data-report]').textContent()).resolves.toContain('Empresa escolhida');
    await shot('connections');
  });

  it('refuses a form without its CSRF token', async () => {
    await signIn(ADMIN);
    const refused = await page.request.post(`${stack.url}/admin/requests/${failedId}/redeliver`, {
      form: { nothing: '1' },
      maxRedirects: 0,
    });
    expect(refused.status()).toBe(403);
  });

  it('lets a viewer read but not act', async () => {
    await signIn(VIEWER, `/admin/requests/${failedId}`);
    await expect(page.locator('#state').count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: 'Repetir o pedido' }).count()).resolves.toBe(0);
    // Even with a valid session and CSRF token, the action itself is refused.
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const refused = await page.request.post(`${stack.url}/admin/requests/${failedId}/retry`, {
      form: { _csrf: csrf },
      maxRedirects: 0,
    });
    expect(refused.status()).toBe(403);
    await page.goto(`${stack.url}/admin/clients/airtable_ops_prod`);
    await expect(page.getByRole('button', { name: 'Criar chave' }).count()).resolves.toBe(0);
  });

  it('shows each Moloni call of a request: an injected 503, then the attempt that issued it', async () => {
    const sandboxOrigin = new URL(stack.sandbox.baseUrl).origin;
    const fault = await fetch(`${sandboxOrigin}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'status', status: 503, endpoint: 'invoiceReceipts/insert', times: 1 }),
    });
    expect(fault.status).toBe(201);
    const posted = await stack.post(
      '/api/v1/invoices/',
      { ...SEED_BODY, reference: `WEB-${run}-FLAKY` },
      { 'idempotency-key': randomUUID() },
    );
    const id = posted.body.request_id as string;
    await signIn(ADMIN, `/admin/requests/${id}`);
    await page.waitForSelector('#state[data-state="issued"]', { timeout: 15_000 });
    const inserts = page.locator('#moloni-calls tbody tr', { hasText: 'invoiceReceipts/insert' });
    await expect(inserts.count()).resolves.toBe(2);
    const [failed, issued] = await inserts.allTextContents();
    expect(failed).toContain('emissão 1');
    expect(failed).toContain('MOLONI_UNAVAILABLE');
    expect(failed).toContain('503');
    expect(issued).toContain('emissão 2');
    expect(issued).toContain('ok');
    await expect(page.locator('#moloni-calls tbody tr[data-ok="false"]').count()).resolves.toBe(1);
    await shot('request-moloni-calls');
  });

  it('lists TOTAL_MISMATCH drafts and failed deliveries under needs attention, each linked', async () => {
    // The company's method changes after the worker's client learned it: Moloni totals the draft
    // differently and it is left for review.
    const companies = [...stack.sandbox.sandbox.state.companies.values()];
    const methods = companies.map((company) => company.calc_method_id);
    for (const company of companies) company.calc_method_id = 2;
    const mismatch = await stack.post(
      '/api/v1/invoices/',
      {
        ...SEED_BODY,
        reference: `WEB-${run}-MISMATCH`,
        items: [{ product: 'Bolo', gross_price: 9.92, vat_rate: 23 }],
      },
      { 'idempotency-key': randomUUID() },
    );
    companies.forEach((company, i) => {
      company.calc_method_id = methods[i] ?? company.calc_method_id;
    });
    expect(mismatch.body.error?.code).toBe('TOTAL_MISMATCH');
    const mismatchId = mismatch.body.request_id as string;
    // A delivery its destination refused, as the deliver job records it.
    await stack.api.runtime.ledger.setDelivery(failedId, 'refused', 'not this client’s channel');
    await signIn(ADMIN);
    const drafts = page.locator('#attention-mismatch');
    await expect(drafts.locator('[data-attention-count]').textContent()).resolves.toBe('1');
    await expect(drafts.locator(`[data-request="${mismatchId}"]`).textContent()).resolves.toContain(
      'TOTAL_MISMATCH',
    );
    const deliveries = page.locator('#attention-delivery');
    await expect(deliveries.locator(`[data-request="${failedId}"]`).textContent()).resolves.toContain(
      'recusada',
    );
    await shot('overview-attention');
    await drafts.getByRole('link', { name: `WEB-${run}-MISMATCH` }).click();
    expect(page.url()).toBe(`${stack.url}/admin/requests/${mismatchId}`);
    // Delivered after all: it leaves the list.
    await stack.api.runtime.ledger.setDelivery(failedId, 'delivered', null);
    await page.goto(`${stack.url}/admin/`);
    await expect(page.locator('#attention-delivery').count()).resolves.toBe(0);
  });

  it('signs out, and the session is gone', async () => {
    await signIn(ADMIN);
    await page.getByRole('button', { name: 'Sair' }).click();
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await page.goto(`${stack.url}/admin/`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
  });
});
