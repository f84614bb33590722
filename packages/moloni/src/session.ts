import { type CallKind, isTokenRejection, unexpectedShape } from './errors.ts';
import type { TokenManager } from './tokens.ts';
import type { DownloadedFile, MoloniTransport } from './transport.ts';

/** Moloni's page size limit for list methods (reference §1). */
export const PAGE_SIZE = 50;

/**
 * Authenticated calls. A token Moloni refuses mid-call (revoked, expired early, clocks apart) is
 * renewed once and the call repeated once: a refused token means the call was not applied, so
 * repeating even a write is safe.
 */
export class MoloniSession {
  constructor(
    private readonly transport: MoloniTransport,
    private readonly tokens: TokenManager,
  ) {}

  async call(endpoint: string, body: object, kind: CallKind): Promise<unknown> {
    const token = await this.tokens.accessToken();
    try {
      return await this.transport.call(endpoint, token, body, kind);
    } catch (error) {
      if (!isTokenRejection(error)) throw error;
      const fresh = await this.tokens.renew(token);
      return this.transport.call(endpoint, fresh, body, kind);
    }
  }

  /** A file outside the API (a PDF): no token, just the shared connections and deadlines. */
  download(endpoint: string, url: string): Promise<DownloadedFile> {
    return this.transport.fetchFile(endpoint, url);
  }

  read(endpoint: string, body: object): Promise<unknown> {
    return this.call(endpoint, body, 'read');
  }

  /** A read whose answer must be a list. */
  async list<T>(endpoint: string, body: object): Promise<T[]> {
    const result = await this.read(endpoint, body);
    if (!Array.isArray(result)) throw unexpectedShape(endpoint, 'read', 'a list');
    return result as T[];
  }

  /** Every page of a list method, up to `maxPages` pages of 50. */
  async listAll<T>(endpoint: string, body: object, maxPages = 20): Promise<T[]> {
    const all: T[] = [];
    for (let page = 0; page < maxPages; page++) {
      const items = await this.list<T>(endpoint, { ...body, qty: PAGE_SIZE, offset: page * PAGE_SIZE });
      all.push(...items);
      if (items.length < PAGE_SIZE) break;
    }
    return all;
  }

  /** An update (or any write): Moloni answers `{valid: 1, …}`. */
  async write(endpoint: string, body: object): Promise<Record<string, unknown>> {
    const result = await this.call(endpoint, body, 'write');
    const record = result !== null && typeof result === 'object' ? (result as Record<string, unknown>) : {};
    if (Number(record.valid) !== 1) throw unexpectedShape(endpoint, 'write', '"valid": 1');
    return record;
  }

  /** An insert: Moloni answers `{valid: 1, <idField>: n}`. */
  async insert(endpoint: string, body: object, idField: string): Promise<number> {
    const record = await this.write(endpoint, body);
    const id = Number(record[idField]);
    if (!Number.isInteger(id) || id <= 0) throw unexpectedShape(endpoint, 'write', `"${idField}"`);
    return id;
  }
}
