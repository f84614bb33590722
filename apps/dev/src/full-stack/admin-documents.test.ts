import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  BOOKINGS_BASE_ID,
  BOOKINGS_PAT,
  bookingSettings,
  bookingsBaseSeed,
  type FakeAirtable,
  startFakeAirtable,
} from '@faturador/airtable-sandbox';
import { createAirtableBaseSettingsStore } from '@faturador/airtable-web';
import { createAdminStore, createApiClientStore } from '@faturador/store';
import { randomPrefix, testRedisUrl } from '@faturador/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_BODY, type Stack, startStack } from '../stack.ts';
import { launchChromium, screenshotDir, signInAs } from './browser.ts';

// The document's life from the backoffice, in a real browser against the whole stack: each
// action goes through the API's submitter and worker, and the sandbox is asked what it holds.
let stack: Stack;
let browser: BrowserContext;
let page: Page;
let airtable: FakeAirtable;
const tokens: Record<string, { bases: string[] }> = { [BOOKINGS_PAT]: { bases: [BOOKINGS_BASE_ID] } };
const ADMIN = { email: 'admin@example.pt', password: 'admin-password-0001' };
const OPERATOR = { email: 'operador@example.pt', password: 'operator-password-0001' };
const VIEWER = { email: 'leitor@example.pt', password: 'viewer-password-0001' };
const run = randomUUID().slice(0, 6);

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), prefix: randomPrefix() });
  const admins = createAdminStore({ redis: stack.api.runtime.redis, prefix: stack.api.runtime.prefix });
  await admins.create({ ...OPERATOR, role: 'operator' });
  await admins.create({ ...VIEWER, role: 'viewer' });
  await admins.create({ ...ADMIN, role: 'admin' });
  airtable = await startFakeAirtable({ bases: [bookingsBaseSeed([])], tokens });
  const { runtime } = stack.api;
  await createApiClientStore(runtime).createClient({ client_id: 'bookings_ops', name: 'Bookings ops' });
  await createAirtableBaseSettingsStore(runtime).save(
    bookingSettings({ api_url: airtable.apiUrl, client_id: 'bookings_ops' }),
  );
  browser = await launchChromium();
  page = browser.pages()[0] ?? (await browser.newPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await airtable?.close();
});

const shot = (name: string) =>
  page.screenshot({ path: join(screenshotDir(), `${name}.png`), fullPage: true });

const signIn = (user: { email: string; password: string }, path: string) =>
  signInAs(browser, page, stack.url, user, path);

async function issue(suffix: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const response = await stack.post(
    '/api/v1/invoices/',
    { ...SEED_BODY, reference: `DOC-${run}-${suffix}`, ...overrides },
    { 'idempotency-key': randomUUID() },
  );
  expect(response.status).toBe(201);
  return response.body.request_id as string;
}

const documents = () => [...stack.sandbox.sandbox.state.documents.values()];
const row = (kind: string) => page.locator(`#related tbody tr[data-kind="${kind}"]`);

describe('document actions in the backoffice', () => {
  it('finalizes a draft: the page shows the number, and who did it', async () => {
    const id = await issue('DRAFT', { status: 'draft' });
    await signIn(OPERATOR, `/admin/requests/${id}`);
    const actions = page.locator('#document-actions');
    await expect(
      actions.locator('form').evaluateAll((forms) => forms.map((f) => f.dataset.action)),
    ).resolves.toEqual(['finalize', 'delete']);
    await page.getByRole('button', { name: 'Finalizar o rascunho' }).click();
    await page.waitForSelector('#related tbody tr[data-kind="finalize"][data-state="done"]', {
      timeout: 15_000,
    });
    await expect(row('finalize').textContent()).resolves.toContain(`admin:${OPERATOR.email}`);
    await expect(page.getByRole('link', { name: 'Abrir o PDF' }).count()).resolves.toBe(1);
    const drafts = documents().filter((d) => d.our_reference === `DOC-${run}-DRAFT`);
    expect(drafts.map((d) => d.status)).toEqual([1]);
  });

  it('cancels a final FR with a credit note, once even when the form is sent twice', async () => {
    const id = await issue('FR');
    await signIn(OPERATOR, `/admin/requests/${id}`);
    const form = page.locator('form[data-action="credit_note"]');
    await form.getByLabel('Motivo da anulação').fill('NIF errado');
    const csrf = await form.locator('input[name="_csrf"]').inputValue();
    const key = await form.locator('input[name="_key"]').inputValue();
    await page.getByRole('button', { name: 'Anular com nota de crédito' }).click();
    await page.waitForSelector('#related tbody tr[data-kind="credit_note"][data-state="done"]', {
      timeout: 15_000,
    });
    await expect(row('credit_note').textContent()).resolves.toMatch(/NC [^ ]+\/\d+/);
    await shot('request-credit-note');
    // The browser sends the same form again (its key with it): the same credit note, not a second.
    const again = await page.request.post(`${stack.url}/admin/requests/${id}/credit-note`, {
      form: { _csrf: csrf, _key: key, reason: 'NIF errado' },
      maxRedirects: 0,
    });
    expect(again.status()).toBe(303);
    await page.reload();
    await expect(row('credit_note').count()).resolves.toBe(1);
    expect(documents().filter((d) => d.our_reference === `DOC-${run}-FR/NC1`)).toHaveLength(1);
    // Everything is credited: the form is gone, and a forged one is refused with Moloni untouched.
    await expect(page.locator('form[data-action="credit_note"]').count()).resolves.toBe(0);
    const more = await page.request.post(`${stack.url}/admin/requests/${id}/credit-note`, {
      form: { _csrf: csrf, _key: `admin-${randomUUID()}`, reason: 'outra vez' },
      maxRedirects: 0,
    });
    expect(more.status()).toBe(409);
    expect(await more.text()).toContain('CREDIT_EXCEEDS_REMAINING');
    expect(documents().filter((d) => d.our_reference?.startsWith(`DOC-${run}-FR/NC`))).toHaveLength(1);
  });

  it('records a partial payment of an FT, then the rest; and says why a bad amount is refused', async () => {
    const id = await issue('FT', { document_type: 'invoice' });
    await signIn(OPERATOR, `/admin/requests/${id}`);
    const total = Number((await page.locator('#open-amount').textContent())?.replace(' €', ''));
    expect(total).toBeGreaterThan(1);
    const form = page.locator('form[data-action="receipt"]');
    const csrf = await form.locator('input[name="_csrf"]').inputValue();
    const refused = await page.request.post(`${stack.url}/admin/requests/${id}/receipt`, {
      form: { _csrf: csrf, _key: `admin-${randomUUID()}`, amount: '-3' },
      maxRedirects: 0,
    });
    expect(refused.status()).toBe(422);
    expect(await refused.text()).toContain('amount');
    await form.getByLabel(/Valor pago/).fill('1,00');
    await form.getByLabel('Meio de pagamento').selectOption('Multibanco');
    await page.getByRole('button', { name: /Registar pagamento/ }).click();
    await page.waitForSelector('#related tbody tr[data-kind="receipt"][data-state="done"]', {
      timeout: 15_000,
    });
    await expect(page.locator('#open-amount').textContent()).resolves.toBe(`${(total - 1).toFixed(2)} €`);
    await page.getByRole('button', { name: /Registar pagamento/ }).click();
    await expect
      .poll(() => page.locator('#related tbody tr[data-kind="receipt"][data-state="done"]').count(), {
        timeout: 15_000,
      })
      .toBe(2);
    await expect(page.locator('#open-amount').textContent()).resolves.toBe('0.00 €');
    await expect(page.locator('form[data-action="receipt"]').count()).resolves.toBe(0);
  });

  it('e-mails the PDF to the address typed, and shows it sent', async () => {
    const id = await issue('MAIL');
    await signIn(OPERATOR, `/admin/requests/${id}`);
    const form = page.locator('form[data-action="email"]');
    await form.getByLabel('Enviar para').fill('contabilidade@example.pt');
    await page.getByRole('button', { name: 'Enviar o PDF por e-mail' }).click();
    await page.waitForSelector('#related tbody tr[data-kind="email"][data-state="done"]', {
      timeout: 15_000,
    });
    await expect(row('email').textContent()).resolves.toContain('contabilidade@example.pt');
    const sent = stack.mail.messages().filter((message) => message.to.includes('contabilidade@example.pt'));
    expect(sent).toHaveLength(1);
  });

  it('lets a viewer see the related documents but no action, and refuses a forged one', async () => {
    const id = await issue('VIEW');
    await signIn(VIEWER, `/admin/requests/${id}`);
    await expect(page.locator('#related-title').count()).resolves.toBe(1);
    await expect(page.locator('#document-actions').count()).resolves.toBe(0);
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const refused = await page.request.post(`${stack.url}/admin/requests/${id}/credit-note`, {
      form: { _csrf: csrf, _key: `admin-${randomUUID()}`, reason: 'não devia' },
      maxRedirects: 0,
    });
    expect(refused.status()).toBe(403);
    expect(documents().filter((d) => d.our_reference === `DOC-${run}-VIEW/NC1`)).toHaveLength(0);
  });

  it('updates the requests list by itself when a new request arrives', async () => {
    await signIn(OPERATOR, `/admin/requests?q=DOC-${run}-LIVE`);
    await expect(page.locator('#live tbody tr').count()).resolves.toBe(0);
    await page.getByLabel('Pesquisar').fill(`DOC-${run}-LIVE`);
    await issue('LIVE');
    await page.waitForSelector('#live tbody tr', { timeout: 10_000 });
    await expect(page.locator('#live tbody').textContent()).resolves.toContain(`DOC-${run}-LIVE`);
    // What the user was typing in the filters stays.
    await expect(page.getByLabel('Pesquisar').inputValue()).resolves.toBe(`DOC-${run}-LIVE`);
  });
});

describe('where results go', () => {
  it('lists the Airtable bases without their token, and checks one against Airtable', async () => {
    await signIn(ADMIN, '/admin/airtable');
    const base = page.locator(`#bases tr[data-base="${BOOKINGS_BASE_ID}"]`);
    await expect(base.textContent()).resolves.toContain('bookings_ops');
    expect(await page.content()).not.toContain(BOOKINGS_PAT);
    await base.getByRole('button', { name: 'Testar o acesso' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('O token lê a tabela');
    await shot('airtable-bases');
    // The token is revoked in Airtable: the same button says so, by code.
    delete tokens[BOOKINGS_PAT];
    await page.locator(`#bases tr[data-base="${BOOKINGS_BASE_ID}"]`).getByRole('button').click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('CONNECTION_NOT_CONFIGURED');
    tokens[BOOKINGS_PAT] = { bases: [BOOKINGS_BASE_ID] };
  });

  it('shows which clients may deliver to which Slack workspace, and its recent requests', async () => {
    await signIn(OPERATOR, '/admin/slack');
    await expect(page.locator('#workspaces tr[data-team="T0FAKE"]').textContent()).resolves.toContain(
      stack.slackBot.clientId,
    );
    // An operator sees the base list but cannot check a base (that opens its token).
    await page.goto(`${stack.url}/admin/airtable`);
    await expect(page.getByRole('button', { name: 'Testar o acesso' }).count()).resolves.toBe(0);
  });
});
