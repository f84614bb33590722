// The client a document is issued to. InvoiceXpress matches a document's `client` object by code,
// else by *name*, and uses the record as it is stored (README of the sandbox, "Documents"): a new
// NIF under a name already taken would be issued to that other client, and new details sent with
// the document would be ignored. So each NIF is its own client, code = NIF, found by code first,
// created when missing (its name made unique with the NIF when taken), and updated beforehand when
// the request brings details that differ from the record's.
import { createHash } from 'node:crypto';
import type { InvoiceRequest } from '@faturador/core';
import type { InvoiceXpressClient } from './client.ts';
import type { IxClient, IxClientInput, IxDocumentInput } from './types.ts';

type Customer = InvoiceRequest['customer'];

/** Contact fields kept as the record holds them, so that an update never blanks one. */
const RECORD_FIELDS = [
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

const sameText = (stored: string | null, wanted: string): boolean =>
  stored !== null && stored.trim().toLocaleLowerCase('pt-PT') === wanted.trim().toLocaleLowerCase('pt-PT');

/**
 * What the request gives that the record does not already say (the fields and comparison Moloni's
 * customer update uses): a field the request leaves out never erases the record's.
 */
function changesOf(found: IxClient, customer: Customer): Partial<IxClientInput> {
  const wanted: Array<['email' | 'address' | 'city' | 'postal_code', string | undefined]> = [
    ['email', customer.email],
    ['address', customer.address],
    ['city', customer.city],
    ['postal_code', customer.zipCode],
  ];
  const changed: Partial<IxClientInput> = {};
  for (const [field, value] of wanted) {
    if (value !== undefined && !sameText(found[field], value)) changed[field] = value;
  }
  return changed;
}

/**
 * The record sent back with the changes. The name is the record's, never the request's: it may
 * carry the NIF that made it unique, a rename may take a name another client holds ("Name has
 * already been taken"), and the document is matched by the name and code it is sent with.
 * Whether a PUT keeps the fields it does not name is undocumented, so the whole record goes back.
 */
function updateOf(found: IxClient, changes: Partial<IxClientInput>): IxClientInput {
  const record: IxClientInput = { name: found.name, ...(found.code ? { code: found.code } : {}) };
  for (const field of RECORD_FIELDS) {
    const value = found[field];
    if (value !== null) record[field] = value;
  }
  return { ...record, ...changes };
}

const folded = (value: string | undefined) => (value ?? '').trim().toLocaleLowerCase('pt-PT');

/**
 * The client code of a buyer: the NIF, which identifies them. The final consumer's NIF is every
 * anonymous buyer's, so one code for it would put the first buyer's name on every later document;
 * each anonymous buyer is instead its own record, keyed by the name and e-mail the request gives
 * (`999999990-<hash>`, so the account's owner still sees it is a final consumer).
 */
export function clientCodeOf(customer: Customer): string {
  if (!customer.finalConsumer) return customer.vatNumber;
  const key = `${folded(customer.name)}\n${folded(customer.email)}`;
  return `${customer.vatNumber}-${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;
}

export async function documentClientOf(
  client: InvoiceXpressClient,
  customer: Customer,
): Promise<IxDocumentInput['client']> {
  const code = clientCodeOf(customer);
  const found = await client.findClientByCode(code);
  if (found) {
    // An anonymous buyer's record is found by its name and e-mail: the rest (an address) may
    // differ from one purchase to the next, and it describes no one else.
    const changes = customer.finalConsumer ? {} : changesOf(found, customer);
    if (Object.keys(changes).length > 0) await client.updateClient(found.id, updateOf(found, changes));
    return { name: found.name, code };
  }
  const record = {
    name: customer.name,
    code,
    ...(customer.finalConsumer ? {} : { fiscal_id: customer.vatNumber }),
    ...(customer.email ? { email: customer.email } : {}),
    ...(customer.address ? { address: customer.address } : {}),
    ...(customer.city ? { city: customer.city } : {}),
    ...(customer.zipCode ? { postal_code: customer.zipCode } : {}),
    country: customer.country === 'PT' ? 'Portugal' : customer.country,
  };
  const named = await client.findClientByName(customer.name);
  const created = await client.createClient(
    named ? { ...record, name: `${customer.name} (${code})` } : record,
  );
  return { name: created.name, code };
}
