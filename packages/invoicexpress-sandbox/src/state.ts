import { randomBytes } from 'node:crypto';
import type { DocumentOrder } from '@faturador/sandbox-kit';
import type { Client, Document, Item, Sequence, Tax } from './model.ts';

export interface AccountSeed {
  /** The subdomain: `https://<name>.app.invoicexpress.com`. */
  name: string;
  apiKey: string;
}

export const DEFAULT_ACCOUNT: AccountSeed = {
  name: 'faturador-demo',
  apiKey: '6f0a3e1c9b8d47a2b5c4e3f2a1d0c9b8e7f6a5d4',
};

/** The default series and a second one, as an account with two registered series. */
export const DEFAULT_SERIE = 'FT2026';
export const SECONDARY_SERIE = 'WEB';

export interface Account {
  name: string;
  apiKey: string;
  clients: Map<number, Client>;
  items: Map<string, Item>;
  taxes: Tax[];
  sequences: Sequence[];
  documents: Map<number, Document>;
  /** Requests seen in the rate-limit window (epoch ms), oldest first. */
  window: number[];
  /** PDF generation: document id → polls still answered 202. */
  pdfPending: Map<number, number>;
}

export interface SentEmail {
  account: string;
  document_id: number;
  to: string;
  subject: string;
  body: string;
  cc: string;
  bcc: string;
  at: number;
}

function seedTaxes(next: () => number): Tax[] {
  // The rates in force in 2026 for the mainland, the Azores and Madeira, named as a new account
  // names them; `IVA23` is the default tax.
  const rows: Array<[string, number, string]> = [
    ['IVA23', 23, 'PT'],
    ['IVA13', 13, 'PT'],
    ['IVA6', 6, 'PT'],
    ['IVA0', 0, 'PT'],
    ['IVA16', 16, 'PT-AC'],
    ['IVA9', 9, 'PT-AC'],
    ['IVA4', 4, 'PT-AC'],
    ['IVA22', 22, 'PT-MA'],
    ['IVA12', 12, 'PT-MA'],
    ['IVA5', 5, 'PT-MA'],
  ];
  return rows.map(([name, value, region]) => ({
    id: next(),
    name,
    value,
    region,
    default_tax: name === 'IVA23' ? 1 : 0,
  }));
}

function validationCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...randomBytes(8)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

export function newSequence(id: number, serie: string, isDefault: boolean): Sequence {
  return {
    id,
    serie,
    default_sequence: isDefault ? 1 : 0,
    validation_code: validationCode(),
    numbers: {},
    last_dates: {},
  };
}

export interface SavedAccount {
  name: string;
  apiKey: string;
  clients: Client[];
  items: Item[];
  taxes: Tax[];
  sequences: Sequence[];
  documents: Document[];
}

export interface SavedState {
  nextId: number;
  accounts: SavedAccount[];
}

/** Every account of the sandbox; ids are unique across the sandbox, as the PDF route needs. */
export class SandboxState {
  accounts = new Map<string, Account>();
  emails: SentEmail[] = [];
  documentOrder: DocumentOrder = 'newest_first';
  private nextId = 1000;

  constructor(private readonly seeds: readonly AccountSeed[]) {
    this.reset();
  }

  id(): number {
    this.nextId += 1;
    return this.nextId;
  }

  reset(): void {
    this.accounts = new Map();
    this.emails = [];
    this.documentOrder = 'newest_first';
    for (const seed of this.seeds) this.addAccount(seed);
  }

  addAccount(seed: AccountSeed): Account {
    const next = () => this.id();
    const account: Account = {
      name: seed.name.toLowerCase(),
      apiKey: seed.apiKey,
      clients: new Map(),
      items: new Map(),
      taxes: seedTaxes(next),
      sequences: [newSequence(next(), DEFAULT_SERIE, true), newSequence(next(), SECONDARY_SERIE, false)],
      documents: new Map(),
      window: [],
      pdfPending: new Map(),
    };
    this.accounts.set(account.name, account);
    return account;
  }

  exportData(): SavedState {
    return {
      nextId: this.nextId,
      accounts: [...this.accounts.values()].map((account) => ({
        name: account.name,
        apiKey: account.apiKey,
        clients: [...account.clients.values()],
        items: [...account.items.values()],
        taxes: account.taxes,
        sequences: account.sequences,
        documents: [...account.documents.values()],
      })),
    };
  }

  importData(saved: SavedState): void {
    this.nextId = saved.nextId;
    this.accounts = new Map();
    for (const data of saved.accounts) {
      this.accounts.set(data.name, {
        name: data.name,
        apiKey: data.apiKey,
        clients: new Map(data.clients.map((client) => [client.id, client])),
        items: new Map(data.items.map((item) => [item.name, item])),
        taxes: data.taxes,
        sequences: data.sequences,
        documents: new Map(data.documents.map((document) => [document.id, document])),
        window: [],
        pdfPending: new Map(),
      });
    }
  }
}
