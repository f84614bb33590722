// Clients, taxes and sequences: `clients.json` (list, create), `clients/{id}.json` (get, update),
// `clients/find-by-code.json`, `clients/find-by-name.json`, `taxes.json`, `sequences.json`.
import { type CallContext, type Handler, IxError, idParam, notFound, text, wrapped } from './context.ts';
import type { Client, Sequence, Tax } from './model.ts';
import type { Account } from './state.ts';

const CLIENT_FIELDS = [
  'email',
  'address',
  'city',
  'postal_code',
  'country',
  'fiscal_id',
  'website',
  'phone',
  'fax',
  'observations',
] as const;

/** The full record, as `GET /clients/{id}.json` shows it: the only place with `fiscal_id`. */
export function clientView(client: Client): Record<string, unknown> {
  return {
    id: client.id,
    name: client.name,
    code: client.code,
    email: client.email,
    language: client.language,
    address: client.address,
    city: client.city,
    postal_code: client.postal_code,
    country: client.country,
    fiscal_id: client.fiscal_id,
    website: client.website,
    phone: client.phone,
    fax: client.fax,
    observations: client.observations,
    preferred_contact: { name: null, email: client.email, phone: client.phone },
    send_options: '1',
    payment_days: 0,
    tax_exemption_code: null,
  };
}

/** The client as documents carry it: no `fiscal_id` (documentation notes). */
export function documentClientView(client: Client): Record<string, unknown> {
  return {
    id: client.id,
    name: client.name,
    code: client.code,
    ...(client.email ? { email: client.email } : {}),
    country: client.country ?? 'Portugal',
  };
}

export function findByName(account: Account, name: string): Client | undefined {
  return [...account.clients.values()].find((client) => client.name === name);
}

export function findByCode(account: Account, code: string): Client | undefined {
  return [...account.clients.values()].find((client) => client.code === code);
}

function checkFiscalId(value: string | null): void {
  if (value === null) return;
  const digits = value.replace(/\s+/g, '').replace(/^PT/i, '');
  if (!/^\d{9}$/.test(digits)) throw new IxError(422, ['Fiscal is invalid']);
  const sum = [...digits.slice(0, 8)].reduce((acc, digit, index) => acc + Number(digit) * (9 - index), 0);
  const check = 11 - (sum % 11);
  if ((check >= 10 ? 0 : check) !== Number(digits[8])) throw new IxError(422, ['Fiscal is invalid']);
}

/** Creates a client from a `client` object; names are unique per account, and so are codes. */
export function createClient(ctx: CallContext, input: Record<string, unknown>): Client {
  const name = text(input.name);
  if (!name) throw new IxError(422, ["Name can't be blank"]);
  if (findByName(ctx.account, name)) throw new IxError(422, ['Name has already been taken']);
  const id = ctx.state.id();
  const code = text(input.code) ?? String(id);
  if (findByCode(ctx.account, code)) throw new IxError(422, ['Code has already been taken']);
  const client: Client = {
    id,
    name,
    code,
    email: null,
    address: null,
    city: null,
    postal_code: null,
    country: null,
    fiscal_id: null,
    website: null,
    phone: null,
    fax: null,
    observations: null,
    language: text(input.language) ?? 'pt',
  };
  for (const field of CLIENT_FIELDS) client[field] = text(input[field]);
  checkFiscalId(client.fiscal_id);
  ctx.account.clients.set(id, client);
  return client;
}

function paginate<T>(rows: T[], query: URLSearchParams): { rows: T[]; pagination: Record<string, number> } {
  const perPage = Math.min(100, Math.max(1, Number(query.get('per_page')) || 20));
  const page = Math.max(1, Number(query.get('page')) || 1);
  const totalPages = Math.max(1, Math.ceil(rows.length / perPage));
  return {
    rows: rows.slice((page - 1) * perPage, page * perPage),
    pagination: {
      total_entries: rows.length,
      current_page: page,
      total_pages: totalPages,
      per_page: perPage,
    },
  };
}

export { paginate };

function sequenceView(sequence: Sequence): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: sequence.id,
    serie: sequence.serie,
    default_sequence: sequence.default_sequence,
  };
  for (const counter of ['invoice', 'invoice_receipt', 'simplified_invoice', 'credit_note', 'receipt']) {
    view[`current_${counter}_number`] = sequence.numbers[counter] ?? 0;
    view[`current_${counter}_sequence_id`] = sequence.id;
    view[`current_${counter}_validation_code`] = sequence.validation_code;
  }
  return view;
}

function taxView(tax: Tax): Tax {
  return { ...tax };
}

export const clientHandlers: Record<string, Handler> = {
  'clients/list': (ctx) => {
    let rows = [...ctx.account.clients.values()];
    const fiscalId = ctx.query.get('fiscal_id');
    if (ctx.behaviour.clientFiscalIdFilter && fiscalId) rows = rows.filter((c) => c.fiscal_id === fiscalId);
    const page = paginate(rows, ctx.query);
    return { status: 200, body: { clients: page.rows.map(clientView), pagination: page.pagination } };
  },
  'clients/create': (ctx) => {
    const client = createClient(ctx, wrapped(ctx.body, 'client'));
    return { status: 201, body: { client: clientView(client) } };
  },
  'clients/get': (ctx) => {
    const client = ctx.account.clients.get(idParam(ctx));
    if (!client) throw notFound();
    return { status: 200, body: { client: clientView(client) } };
  },
  'clients/update': (ctx) => {
    const client = ctx.account.clients.get(idParam(ctx));
    if (!client) throw notFound();
    const input = wrapped(ctx.body, 'client');
    const name = text(input.name);
    if (!name) throw new IxError(422, ["Name can't be blank"]);
    const other = findByName(ctx.account, name);
    if (other && other.id !== client.id) throw new IxError(422, ['Name has already been taken']);
    const code = text(input.code);
    const holder = code ? findByCode(ctx.account, code) : undefined;
    if (holder && holder.id !== client.id) throw new IxError(422, ['Code has already been taken']);
    const next: Client = { ...client, name, ...(code ? { code } : {}) };
    for (const field of CLIENT_FIELDS) {
      if (field in input) next[field] = text(input[field]);
      else if (ctx.behaviour.clientUpdate === 'replace') next[field] = null;
    }
    checkFiscalId(next.fiscal_id);
    ctx.account.clients.set(client.id, next);
    if (ctx.behaviour.clientUpdateAnswer === 'empty') return { status: 200 };
    return { status: 200, body: { client: clientView(next) } };
  },
  'clients/find-by-code': (ctx) => {
    const client = findByCode(ctx.account, ctx.query.get('client_code') ?? '');
    if (!client) throw notFound();
    return { status: 200, body: { client: clientView(client) } };
  },
  'clients/find-by-name': (ctx) => {
    const client = findByName(ctx.account, ctx.query.get('client_name') ?? '');
    if (!client) throw notFound();
    return { status: 200, body: { client: clientView(client) } };
  },
  'taxes/list': (ctx) => ({ status: 200, body: { taxes: ctx.account.taxes.map(taxView) } }),
  'sequences/list': (ctx) => ({ status: 200, body: { sequences: ctx.account.sequences.map(sequenceView) } }),
  'sequences/get': (ctx) => {
    const id = idParam(ctx);
    const sequence = ctx.account.sequences.find((row) => row.id === id);
    if (!sequence) throw notFound();
    return { status: 200, body: { sequence: sequenceView(sequence) } };
  },
};
