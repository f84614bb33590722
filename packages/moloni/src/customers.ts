import {
  FaturadorError,
  FINAL_CONSUMER_NIF,
  type InvoiceRequest,
  normalizeNif,
  validationError,
} from '@faturador/core';
import { hasFieldError, unexpectedShape } from './errors.ts';
import { type RedisLock, withLock } from './lock.ts';
import type { MoloniCustomer } from './moloni-types.ts';
import type { ReferenceData } from './reference-data.ts';
import type { ResolutionCache } from './resolution-cache.ts';
import type { MoloniSession } from './session.ts';

export type CustomerInput = InvoiceRequest['customer'];

export interface CustomerContext {
  session: MoloniSession;
  referenceData: ReferenceData;
  lock: RedisLock;
  /** Prefix of the per-customer lock keys (includes the connection). */
  lockPrefix: string;
  /** What each customer resolved to, by NIF and the fields asked (see ResolutionCache). */
  cache?: ResolutionCache;
}

export interface ResolvedCustomer {
  customerId: number;
  action: 'reused' | 'updated' | 'created';
  /** Whether Moloni will accept the customer on a document above the anonymous-buyer limit. */
  identified: boolean;
}

/** What a plugin fills in when the buyer gave no address (reference §3, Customers). */
export const UNKNOWN_ADDRESS = 'Desconhecido';
export const UNKNOWN_PT_ZIP = '1000-100';
const NUMBER_ATTEMPTS = 3;

export function normalizeName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('pt-PT');
}

const sameText = (a: unknown, b: string): boolean =>
  typeof a === 'string' && a.trim().toLocaleLowerCase('pt-PT') === b.trim().toLocaleLowerCase('pt-PT');

/** Moloni rejects Portuguese postcodes not written `NNNN-NNN` (error 7); `1000100` is fixable. */
export function normalizeZip(zip: string, country: string): string {
  const digits = zip.replace(/\s/g, '');
  if (country === 'PT' && /^\d{7}$/.test(digits)) return `${digits.slice(0, 4)}-${digits.slice(4)}`;
  return zip.trim();
}

/**
 * The markers of an unidentified buyer under CIVA art. 36 nº 15 (Moloni error 16): our own
 * placeholders count, since they are exactly what Moloni looks for.
 */
export function isIdentified(customer: {
  vat?: unknown;
  name?: unknown;
  address?: unknown;
  city?: unknown;
  zip_code?: unknown;
}): boolean {
  const text = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : '');
  return (
    normalizeNif(text(customer.vat)) !== FINAL_CONSUMER_NIF &&
    text(customer.name) !== 'consumidor final' &&
    !['', UNKNOWN_ADDRESS.toLowerCase()].includes(text(customer.address)) &&
    !['', UNKNOWN_ADDRESS.toLowerCase()].includes(text(customer.city)) &&
    text(customer.zip_code) !== '0000-000'
  );
}

function positiveId(value: unknown): number | undefined {
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

function lowestId<T extends { customer_id: number }>(items: T[]): T | undefined {
  return [...items].sort((a, b) => a.customer_id - b.customer_id)[0];
}

/**
 * Several customers may share a NIF. Those with the requested name win; if all candidates carry
 * one name they are duplicates of one buyer. Otherwise we cannot tell who is meant, and guessing
 * would put a fiscal document in someone else's name.
 */
export function pickByName(candidates: MoloniCustomer[], name: string, vat: string): MoloniCustomer | null {
  if (candidates.length === 0) return null;
  const wanted = normalizeName(name);
  const exact = candidates.filter((candidate) => normalizeName(candidate.name) === wanted);
  const names = new Set(candidates.map((candidate) => normalizeName(candidate.name)));
  const chosen = exact.length > 0 ? lowestId(exact) : names.size === 1 ? lowestId(candidates) : undefined;
  if (chosen) return chosen;
  throw new FaturadorError(
    'CUSTOMER_AMBIGUOUS',
    `${candidates.length} Moloni customers have NIF ${vat} and none is named "${name}".`,
    {
      vat,
      candidates: candidates.map((candidate) => ({
        customer_id: candidate.customer_id,
        name: candidate.name,
        number: candidate.number,
      })),
    },
  );
}

interface Desired {
  vat: string;
  name: string;
  email: string | undefined;
  address: string | undefined;
  city: string | undefined;
  zipCode: string | undefined;
  countryId: number;
  languageId: number;
}

async function desiredFields(ctx: CustomerContext, customer: CustomerInput): Promise<Desired> {
  let countryId = 1;
  let languageId = 1;
  if (customer.country !== 'PT') {
    const countries = await ctx.referenceData.countries();
    const match = countries.find((item) => item.iso_3166_1.toUpperCase() === customer.country);
    if (!match) {
      throw validationError([
        { path: 'customer.country', reason: `${customer.country} is not a Moloni country` },
      ]);
    }
    countryId = match.country_id;
    languageId = Number(match.language_id ?? 2) || 2;
  }
  return {
    vat: customer.vatNumber,
    name: customer.name,
    email: customer.email,
    address: customer.address,
    city: customer.city,
    zipCode: customer.zipCode === undefined ? undefined : normalizeZip(customer.zipCode, customer.country),
    countryId,
    languageId,
  };
}

/** Fields the request gives that differ from Moloni's record; absent ones never erase data. */
function changes(existing: MoloniCustomer, desired: Desired): Record<string, string> {
  const out: Record<string, string> = {};
  const wanted: Array<[string, string | undefined]> = [
    ['email', desired.email],
    ['address', desired.address],
    ['city', desired.city],
    ['zip_code', desired.zipCode],
  ];
  for (const [field, value] of wanted) {
    if (value !== undefined && !sameText(existing[field], value)) out[field] = value;
  }
  return out;
}

// The update method takes the insert's whole field set (reference §3); we send back what the
// record holds so that an omitted optional field is not blanked.
const KEPT_FIELDS = [
  'website',
  'phone',
  'fax',
  'contact_name',
  'contact_email',
  'contact_phone',
  'notes',
  'salesman_id',
  'price_class_id',
  'payment_day',
  'discount',
  'credit_limit',
  'delivery_method_id',
  'field_notes',
] as const;

async function update(
  ctx: CustomerContext,
  companyId: number,
  existing: MoloniCustomer,
  desired: Desired,
  loadDefaults: () => Promise<CustomerDefaults>,
): Promise<ResolvedCustomer> {
  const changed = changes(existing, desired);
  if (Object.keys(changed).length === 0) {
    return { customerId: existing.customer_id, action: 'reused', identified: isIdentified(existing) };
  }
  const defaults = await loadDefaults();
  const body: Record<string, unknown> = {
    company_id: companyId,
    customer_id: existing.customer_id,
    vat: existing.vat,
    number: existing.number,
    name: existing.name,
    language_id: existing.language_id ?? desired.languageId,
    address: existing.address || UNKNOWN_ADDRESS,
    city: existing.city || UNKNOWN_ADDRESS,
    zip_code: existing.zip_code ?? '',
    country_id: existing.country_id ?? desired.countryId,
    email: existing.email ?? '',
    // Real customers often carry 0 here, which update refuses (`2 maturity_date_id 1 0`).
    maturity_date_id: positiveId(existing.maturity_date_id) ?? defaults.maturityDateId,
    payment_method_id: positiveId(existing.payment_method_id) ?? defaults.paymentMethodId,
  };
  for (const field of KEPT_FIELDS) {
    const value = existing[field];
    if (typeof value === 'string' || typeof value === 'number') body[field] = value;
  }
  const merged = { ...body, ...changed };
  await ctx.session.write('customers/update', merged);
  return { customerId: existing.customer_id, action: 'updated', identified: isIdentified(merged) };
}

export interface CustomerDefaults {
  paymentMethodId: number | '';
  maturityDateId: number | '';
}

/** Moloni's next free customer number (customers/insert requires one). */
async function nextNumber(ctx: CustomerContext, companyId: number): Promise<string> {
  const next = (await ctx.session.read('customers/getNextNumber', { company_id: companyId })) as {
    number?: unknown;
  } | null;
  const number = next?.number;
  if (typeof number !== 'string' && typeof number !== 'number') {
    throw unexpectedShape('customers/getNextNumber', 'read', 'a number');
  }
  return String(number);
}

async function insert(
  ctx: CustomerContext,
  companyId: number,
  desired: Desired,
  defaults: CustomerDefaults,
  firstNumber: Promise<string>,
): Promise<ResolvedCustomer> {
  const isPortugal = desired.countryId === 1;
  for (let attempt = 1; ; attempt++) {
    const number = attempt === 1 ? await firstNumber : await nextNumber(ctx, companyId);
    const body = {
      company_id: companyId,
      vat: desired.vat,
      number,
      name: desired.name,
      language_id: desired.languageId,
      address: desired.address ?? UNKNOWN_ADDRESS,
      city: desired.city ?? UNKNOWN_ADDRESS,
      zip_code: desired.zipCode ?? (isPortugal ? UNKNOWN_PT_ZIP : ''),
      country_id: desired.countryId,
      email: desired.email ?? '',
      maturity_date_id: defaults.maturityDateId,
      payment_method_id: defaults.paymentMethodId,
    };
    try {
      const customerId = await ctx.session.insert('customers/insert', body, 'customer_id');
      return { customerId, action: 'created', identified: isIdentified(body) };
    } catch (error) {
      // Another process took the number between getNextNumber and insert (reference pitfall 7).
      if (attempt < NUMBER_ATTEMPTS && hasFieldError(error, 4, 'number')) continue;
      throw error;
    }
  }
}

async function findIdentified(ctx: CustomerContext, companyId: number, desired: Desired) {
  const found = await ctx.session.listAll<MoloniCustomer>('customers/getByVat', {
    company_id: companyId,
    vat: desired.vat,
  });
  // Moloni's match may be loose; only the exact NIF is the same taxpayer.
  const exact = found.filter((item) => normalizeNif(String(item.vat ?? '')) === desired.vat);
  return pickByName(exact, desired.name, desired.vat);
}

/**
 * The final consumer's NIF is shared by every anonymous buyer, so it never identifies anyone:
 * such buyers are matched by e-mail, or (without one) by name among e-mail-less final consumers.
 */
async function findFinalConsumer(ctx: CustomerContext, companyId: number, desired: Desired) {
  const isFinal = (item: MoloniCustomer) => normalizeNif(String(item.vat ?? '')) === FINAL_CONSUMER_NIF;
  if (desired.email) {
    const email = desired.email;
    const found = await ctx.session.listAll<MoloniCustomer>('customers/getByEmail', {
      company_id: companyId,
      email,
    });
    const matches = found.filter((item) => isFinal(item) && sameText(item.email, email));
    const named = matches.filter((item) => normalizeName(item.name) === normalizeName(desired.name));
    return lowestId(named.length > 0 ? named : matches) ?? null;
  }
  const found = await ctx.session.listAll<MoloniCustomer>('customers/getBySearch', {
    company_id: companyId,
    search: desired.name,
  });
  const matches = found.filter(
    (item) => isFinal(item) && !item.email && normalizeName(item.name) === normalizeName(desired.name),
  );
  return lowestId(matches) ?? null;
}

/**
 * Finds, updates or creates the Moloni customer of a request. Creating or updating runs under a
 * lock per NIF (or e-mail) so that two workers issuing for a new buyer at once create one customer,
 * not two.
 */
export async function resolveCustomer(
  ctx: CustomerContext,
  companyId: number,
  customer: CustomerInput,
  defaults: () => Promise<CustomerDefaults>,
): Promise<ResolvedCustomer> {
  const desired = await desiredFields(ctx, customer);
  const identity = customer.finalConsumer
    ? `fc:${(customer.email ?? customer.name).toLowerCase()}`
    : desired.vat;
  const find = () =>
    customer.finalConsumer
      ? findFinalConsumer(ctx, companyId, desired)
      : findIdentified(ctx, companyId, desired);
  // The same buyer asked with the same fields as last time: Moloni's record is what it was made.
  const cacheKey = `${companyId}:${identity}:${JSON.stringify(desired)}`;
  const cached = ctx.cache?.get(cacheKey);
  if (cached !== undefined) return decode(cached);
  const remember = (resolved: ResolvedCustomer): ResolvedCustomer => {
    ctx.cache?.set(cacheKey, encode(resolved));
    return resolved;
  };
  // Not known to this process: looked up under a lock per NIF (or e-mail), so that two workers
  // issuing for a new buyer at once create one customer, not two. The next customer number and the
  // defaults are read beside the lookup, so a new customer costs two round trips, not four (the
  // number is one read too many when the customer exists; this happens once per process).
  const key = `${ctx.lockPrefix}:${companyId}:${identity}`;
  return withLock(ctx.lock, key, { ttlMs: 30_000, waitMs: 20_000, pollMs: 50 }, async () => {
    const number = nextNumber(ctx, companyId);
    const defaultsRead = defaults();
    // Neither read may go unobserved when the lookup decides it needs neither.
    number.catch(() => {});
    defaultsRead.catch(() => {});
    const existing = await find();
    if (existing) return remember(await update(ctx, companyId, existing, desired, () => defaultsRead));
    return remember(await insert(ctx, companyId, desired, await defaultsRead, number));
  });
}

// A cached resolution is one number: the customer id, and whether it is identified (the sign).
const encode = (resolved: ResolvedCustomer): number =>
  resolved.identified ? resolved.customerId : -resolved.customerId;
const decode = (value: number): ResolvedCustomer => ({
  customerId: Math.abs(value),
  action: 'reused',
  identified: value > 0,
});
