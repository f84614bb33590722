import { parseInvoiceRequest } from '@faturador/core';
import type { Behaviour } from '@faturador/invoicexpress-sandbox';
import { SEED_EXAMPLE_BODY } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { createInvoiceXpressProvider } from './provider.ts';
import { ACCOUNT, harness } from './test/support.ts';

const NIF = '509999999';

function requestOf(reference: string, customer: Record<string, unknown>) {
  const parsed = parseInvoiceRequest({
    ...SEED_EXAMPLE_BODY,
    reference,
    customer: { name: 'Eduardo Costa', vat_number: NIF, ...customer },
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

async function setup(behaviour: Partial<Behaviour> = {}) {
  const h = await harness({ behaviour });
  const ix = h.client();
  const provider = createInvoiceXpressProvider(ix, { accountUrl: h.running.accountUrl(ACCOUNT.name) });
  const account = () => h.running.sandbox.state.accounts.get(ACCOUNT.name);
  const clientsOf = (code: string) => [...(account()?.clients.values() ?? [])].filter((c) => c.code === code);
  const issue = async (reference: string, customer: Record<string, unknown>) => {
    const issued = await provider.issueDocument({
      request: requestOf(reference, customer),
      ourReference: reference,
    });
    const document = account()?.documents.get(issued.documentId);
    return account()?.clients.get(document?.client_id ?? -1);
  };
  const updates = () => h.running.sandbox.stats.count('clients/update');
  return { h, ix, issue, clientsOf, updates };
}

const FIRST = {
  email: 'eduardo.costa@example.pt',
  address: 'Rua do Campo Grande 45',
  city: 'Lisboa',
  zip_code: '1700-093',
};
const MOVED = {
  email: 'eduardo@costa.pt',
  address: 'Avenida da Liberdade 10',
  city: 'Porto',
  zip_code: '4000-322',
};

describe('InvoiceXpress provider: the client of a known NIF', () => {
  // Whether a PUT keeps the fields it leaves out, and what it answers, is undocumented: the
  // provider must give the same record in every case.
  it.each([
    { clientUpdate: 'merge', clientUpdateAnswer: 'client' },
    { clientUpdate: 'replace', clientUpdateAnswer: 'client' },
    { clientUpdate: 'merge', clientUpdateAnswer: 'empty' },
    { clientUpdate: 'replace', clientUpdateAnswer: 'empty' },
  ] as const)(
    'is updated with the new address, postcode, city and e-mail before the document (%o)',
    async (behaviour) => {
      const { ix, issue, clientsOf, updates } = await setup(behaviour);
      const first = await issue('UPD-1', FIRST);
      expect(first).toMatchObject({
        code: NIF,
        fiscal_id: NIF,
        address: FIRST.address,
        postal_code: '1700-093',
      });
      // Something the account's owner added in InvoiceXpress, which no request carries.
      await ix.updateClient(first?.id ?? -1, {
        name: 'Eduardo Costa',
        code: NIF,
        fiscal_id: NIF,
        email: FIRST.email,
        address: FIRST.address,
        city: FIRST.city,
        postal_code: FIRST.zip_code,
        country: 'Portugal',
        phone: '912345678',
        observations: 'Cliente habitual',
      });
      const before = updates();

      const second = await issue('UPD-2', MOVED);
      expect(updates() - before).toBe(1);
      expect(second).toMatchObject({
        id: first?.id,
        name: 'Eduardo Costa',
        code: NIF,
        fiscal_id: NIF,
        email: MOVED.email,
        address: MOVED.address,
        city: MOVED.city,
        postal_code: MOVED.zip_code,
        country: 'Portugal',
        phone: '912345678',
        observations: 'Cliente habitual',
      });
      expect(clientsOf(NIF)).toHaveLength(1);
    },
  );

  it('is not updated when nothing the request gives differs, nor for what it leaves out', async () => {
    const { issue, updates } = await setup();
    await issue('SAME-1', FIRST);
    const before = updates();
    // The same details in another case and spacing, then a request with the NIF alone.
    await issue('SAME-2', { ...FIRST, email: 'Eduardo.Costa@Example.PT', city: 'LISBOA' });
    const last = await issue('SAME-3', {});
    expect(updates()).toBe(before);
    expect(last).toMatchObject({ email: FIRST.email, address: FIRST.address, postal_code: FIRST.zip_code });
  });

  it("keeps the record's name: another name for the NIF, or one made unique with it, is never renamed", async () => {
    const { ix, issue, clientsOf } = await setup();
    // The request's name is another NIF's client: this NIF's client is created as "name (NIF)".
    await ix.createClient({ name: 'Rita Homónima', code: '508332010', fiscal_id: '508332010' });
    const unique = await issue('NAME-1', { ...FIRST, name: 'Rita Homónima' });
    expect(unique?.name).toBe(`Rita Homónima (${NIF})`);
    const moved = await issue('NAME-2', { ...MOVED, name: 'Rita Homónima' });
    expect(moved).toMatchObject({ id: unique?.id, name: `Rita Homónima (${NIF})`, address: MOVED.address });
    const renamed = await issue('NAME-3', { ...MOVED, name: 'Rita H. Homónima' });
    expect(renamed).toMatchObject({ id: unique?.id, name: `Rita Homónima (${NIF})` });
    expect(clientsOf(NIF)).toHaveLength(1);
    expect(clientsOf('508332010')[0]).toMatchObject({ name: 'Rita Homónima', address: null });
  });

  it("gives each anonymous buyer its own record: no document carries another buyer's name or details", async () => {
    const { issue, updates } = await setup();
    const anonymous = (customer: Record<string, unknown>) => ({ vat_number: undefined, ...customer });
    const ana = await issue('FC-1', anonymous({ name: 'Ana Lopes', ...FIRST }));
    const rui = await issue('FC-2', anonymous({ name: 'Rui Matos', ...MOVED }));
    const plain = await issue('FC-3', anonymous({ name: 'Consumidor final' }));
    expect(ana).toMatchObject({ name: 'Ana Lopes', email: FIRST.email, fiscal_id: null });
    expect(rui).toMatchObject({ name: 'Rui Matos', email: MOVED.email, address: MOVED.address });
    expect(plain).toMatchObject({ name: 'Consumidor final', email: null });
    expect(new Set([ana?.id, rui?.id, plain?.id]).size).toBe(3);
    expect(ana?.code).toMatch(/^999999990-[0-9a-f]{10}$/);
    // The same buyer again (name and e-mail, in any case) is the same record, never updated.
    const before = updates();
    const again = await issue(
      'FC-4',
      anonymous({ name: 'ANA LOPES', ...FIRST, email: FIRST.email.toUpperCase(), address: 'Outra Rua 1' }),
    );
    expect(again).toMatchObject({ id: ana?.id, address: FIRST.address });
    expect(updates()).toBe(before);
  });
});
