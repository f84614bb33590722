import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import {
  buildTable,
  coerceCell,
  type FakeBaseSeed,
  type FakeRecordSeed,
  type FakeTable,
  findField,
  insertRecord,
  recordJson,
  WriteError,
} from './model.ts';

export {
  BOOKING_FIELDS,
  BOOKINGS_BASE_ID,
  BOOKINGS_PAT,
  BOOKINGS_TABLE_ID,
  booking,
  bookingSettings,
  bookingsBaseSeed,
} from './bookings.ts';
export type { FakeBaseSeed, FakeFieldSeed, FakeFieldType, FakeRecordSeed, FakeTableSeed } from './model.ts';

/**
 * A local Airtable Web API for tests and the demo: the real paths, error bodies and limits
 * (10 records per write, 5 requests per second per base and 50 per token, then 429 for 30 s), in memory.
 */
export interface FakeAirtableOptions {
  bases?: FakeBaseSeed[];
  /** Personal access tokens and what they may reach. */
  tokens?: Record<
    string,
    {
      bases: string[] | '*';
      scopes?: Array<'data.records:read' | 'data.records:write'>;
      /**
       * `pat` (default): whoami answers the user id only, as Airtable documents for personal
       * access tokens; `oauth`: whoami lists the token's scopes too.
       */
      kind?: 'pat' | 'oauth';
    }
  >;
  /**
   * Per base (5 a second) and per token across all its bases (50 a second); past either, 429 and
   * the base (or every base of the token) is refused for `penaltyMs` (30 s).
   */
  rateLimit?: { requestsPerSecond?: number; tokenRequestsPerSecond?: number; penaltyMs?: number };
  maxRecordsPerRequest?: number;
}

export interface FakeCall {
  method: string;
  path: string;
  baseId: string | null;
  status: number;
  errorType: string | null;
  requestBody: unknown;
  at: number;
}

export interface FakeBases {
  add(seed: FakeBaseSeed): void;
  table(baseId: string, tableRef: string): FakeTable;
  /** A record's cells by field name, as a GET would show them. */
  record(baseId: string, tableRef: string, recordId: string): Record<string, unknown>;
  addRecord(baseId: string, tableRef: string, seed: FakeRecordSeed): string;
}

export interface FakeAirtable {
  /** `http://127.0.0.1:<port>/v0/`: what a base's `api_url` points at. */
  apiUrl: string;
  bases: FakeBases;
  calls: FakeCall[];
  /** The next `times` requests to the base answer this instead (5xx, network-ish faults). */
  failNext(baseId: string, answer: { status: number; body: unknown }, times?: number): void;
  close(): Promise<void>;
}

type Failure = { status: number; type: string; message?: string } | { status: number; raw: unknown };

function errorBody(failure: Failure): unknown {
  if ('raw' in failure) return failure.raw;
  // Observed: a 404 for a missing record carries only a string; the rate limit an `errors` array.
  if (failure.status === 404 && failure.type === 'NOT_FOUND') return { error: 'NOT_FOUND' };
  if (failure.status === 429) return { errors: [{ error: failure.type, message: failure.message }] };
  return { error: { type: failure.type, message: failure.message } };
}

export async function startFakeAirtable(options: FakeAirtableOptions = {}): Promise<FakeAirtable> {
  const bases = new Map<string, Map<string, FakeTable>>();
  const calls: FakeCall[] = [];
  const recent = new Map<string, number[]>();
  const penaltyUntil = new Map<string, number>();
  const injected = new Map<string, Array<{ status: number; body: unknown }>>();
  const perSecond = options.rateLimit?.requestsPerSecond ?? 5;
  const perTokenSecond = options.rateLimit?.tokenRequestsPerSecond ?? 50;
  const tokenRecent = new Map<string, number[]>();
  const tokenPenaltyUntil = new Map<string, number>();
  const penaltyMs = options.rateLimit?.penaltyMs ?? 30_000;
  const maxRecords = options.maxRecordsPerRequest ?? 10;
  const tokens = options.tokens ?? {};

  const basesApi: FakeBases = {
    add(seed) {
      const tables = new Map<string, FakeTable>();
      for (const tableSeed of seed.tables) {
        const table = buildTable(tableSeed);
        tables.set(table.id, table);
      }
      bases.set(seed.id, tables);
    },
    table(baseId, tableRef) {
      const table = findTable(baseId, tableRef);
      if (!table) throw new Error(`fake Airtable: no table ${tableRef} in ${baseId}`);
      return table;
    },
    record(baseId, tableRef, recordId) {
      const table = basesApi.table(baseId, tableRef);
      const record = table.records.get(recordId);
      if (!record) throw new Error(`fake Airtable: no record ${recordId}`);
      return recordJson(table, record, false).fields;
    },
    addRecord(baseId, tableRef, seed) {
      return insertRecord(basesApi.table(baseId, tableRef), seed).id;
    },
  };
  for (const seed of options.bases ?? []) basesApi.add(seed);

  function findTable(baseId: string, ref: string): FakeTable | undefined {
    const tables = bases.get(baseId);
    if (!tables) return undefined;
    return tables.get(ref) ?? [...tables.values()].find((table) => table.name === ref);
  }

  /** Auth, base access, scope and rate limit, in the order the real API appears to apply them. */
  function gate(c: Context, baseId: string, write: boolean): Failure | null {
    const match = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '');
    const tokenValue = match?.[1] ?? '';
    const token = tokenValue ? tokens[tokenValue] : undefined;
    if (!token) return { status: 401, type: 'AUTHENTICATION_REQUIRED', message: 'Authentication required' };
    const reachable = token.bases === '*' || token.bases.includes(baseId);
    const scopes = token.scopes ?? ['data.records:read', 'data.records:write'];
    const scoped = scopes.includes(write ? 'data.records:write' : 'data.records:read');
    if (!bases.has(baseId) || !reachable || !scoped) {
      return {
        status: 403,
        type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND',
        message:
          'Invalid permissions, or the requested model was not found. Check that both your user and your token have the required permissions, and that the model names and/or ids are correct.',
      };
    }
    const now = Date.now();
    if ((tokenPenaltyUntil.get(tokenValue) ?? 0) > now) return rateLimited();
    if ((penaltyUntil.get(baseId) ?? 0) > now) return rateLimited();
    // Every request counts against its base and its token ("all traffic using personal access
    // tokens from a given user"), whichever base it goes to.
    const tokenWindow = (tokenRecent.get(tokenValue) ?? []).filter((at) => at > now - 1000);
    tokenWindow.push(now);
    tokenRecent.set(tokenValue, tokenWindow);
    const window = (recent.get(baseId) ?? []).filter((at) => at > now - 1000);
    window.push(now);
    recent.set(baseId, window);
    if (tokenWindow.length > perTokenSecond) {
      tokenPenaltyUntil.set(tokenValue, now + penaltyMs);
      tokenRecent.set(tokenValue, []);
      return rateLimited();
    }
    if (window.length > perSecond) {
      penaltyUntil.set(baseId, now + penaltyMs);
      // Once the penalty is served the base starts afresh, as after Airtable's 30 s.
      recent.set(baseId, []);
      return rateLimited();
    }
    return null;
  }
  const rateLimited = (): Failure => ({
    status: 429,
    type: 'RATE_LIMIT_REACHED',
    message: 'Rate limit exceeded. Please try again later',
  });

  const app = new Hono();

  async function handle(c: Context, write: boolean, work: (body: unknown) => unknown): Promise<Response> {
    const baseId = c.req.param('baseId') ?? '';
    let requestBody: unknown = null;
    let failure = gate(c, baseId, write);
    const pending = injected.get(baseId);
    const fault = failure ? undefined : pending?.shift();
    if (fault) failure = { status: fault.status, raw: fault.body };
    let result: unknown = null;
    if (!failure && write) {
      try {
        requestBody = await c.req.json();
      } catch {
        failure = {
          status: 422,
          type: 'INVALID_REQUEST_UNKNOWN',
          message: 'Invalid request: parameter validation failed. Check your request data.',
        };
      }
    }
    if (!failure) {
      try {
        result = work(requestBody);
      } catch (error) {
        if (!(error instanceof WriteError)) throw error;
        failure = { status: error.status, type: error.type, message: error.message };
      }
    }
    const status = failure?.status ?? 200;
    calls.push({
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      baseId,
      status,
      errorType: failure ? ('type' in failure ? failure.type : 'INJECTED') : null,
      requestBody,
      at: Date.now(),
    });
    return c.json((failure ? errorBody(failure) : result) as object, status as 200);
  }

  function tableOr404(baseId: string, ref: string): FakeTable {
    const table = findTable(baseId, ref);
    if (!table)
      throw new WriteError(404, 'TABLE_NOT_FOUND', `Could not find table ${ref} in application ${baseId}`);
    return table;
  }

  function patch(table: FakeTable, updates: unknown, typecast: boolean, byId: boolean) {
    if (!Array.isArray(updates) || updates.length === 0 || updates.length > maxRecords) {
      throw new WriteError(
        422,
        'INVALID_RECORDS',
        `You must provide an array of up to ${maxRecords} record objects, each with an "id" and a "fields" object.`,
      );
    }
    // Validate every record before applying any: a write succeeds or fails as a whole.
    const planned = updates.map((update: { id?: unknown; fields?: unknown }) => {
      const record = typeof update?.id === 'string' ? table.records.get(update.id) : undefined;
      if (!record) throw new WriteError(404, 'NOT_FOUND', 'Could not find a record with this id');
      if (!update.fields || typeof update.fields !== 'object') {
        throw new WriteError(422, 'INVALID_RECORDS', 'Each record needs a "fields" object.');
      }
      const cells = Object.entries(update.fields as Record<string, unknown>).map(([ref, value]) => {
        const field = findField(table, ref);
        if (!field) throw new WriteError(422, 'UNKNOWN_FIELD_NAME', `Unknown field name: "${ref}"`);
        return [field.id, coerceCell(field, value, typecast)] as const;
      });
      return { record, cells };
    });
    return planned.map(({ record, cells }) => {
      for (const [fieldId, value] of cells) {
        if (value === undefined) record.cells.delete(fieldId);
        else record.cells.set(fieldId, value);
      }
      return recordJson(table, record, byId);
    });
  }

  // GET /v0/meta/whoami: the token's user; its scopes only for OAuth tokens (Airtable's docs).
  app.get('/v0/meta/whoami', (c) => {
    const match = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '');
    const token = match?.[1] ? tokens[match[1]] : undefined;
    calls.push({
      method: 'GET',
      path: '/v0/meta/whoami',
      baseId: null,
      status: token ? 200 : 401,
      errorType: token ? null : 'AUTHENTICATION_REQUIRED',
      requestBody: null,
      at: Date.now(),
    });
    if (!token)
      return c.json({ error: { type: 'AUTHENTICATION_REQUIRED', message: 'Authentication required' } }, 401);
    const scopes = token.scopes ?? ['data.records:read', 'data.records:write'];
    return c.json({ id: 'usrFakeUser000001', ...(token.kind === 'oauth' ? { scopes } : {}) });
  });
  // GET /v0/{base}/{table}: list records. Only `maxRecords` and `fields[]` are modelled; a field
  // name the table lacks is a 422 UNKNOWN_FIELD_NAME, as a write naming it would be.
  app.get('/v0/:baseId/:table', (c) =>
    handle(c, false, () => {
      const table = tableOr404(c.req.param('baseId'), c.req.param('table'));
      const url = new URL(c.req.url);
      const wanted = [...url.searchParams.getAll('fields[]'), ...url.searchParams.getAll('fields')];
      for (const ref of wanted) {
        if (!findField(table, ref))
          throw new WriteError(422, 'UNKNOWN_FIELD_NAME', `Unknown field name: "${ref}"`);
      }
      const max = Math.min(Number(url.searchParams.get('maxRecords') ?? 100) || 100, 100);
      const byId = url.searchParams.get('returnFieldsByFieldId') === 'true';
      return {
        records: [...table.records.values()].slice(0, max).map((record) => recordJson(table, record, byId)),
      };
    }),
  );
  app.get('/v0/:baseId/:table/:recordId', (c) =>
    handle(c, false, () => {
      const table = tableOr404(c.req.param('baseId'), c.req.param('table'));
      const record = table.records.get(c.req.param('recordId'));
      if (!record) throw new WriteError(404, 'NOT_FOUND', 'NOT_FOUND');
      return recordJson(table, record, c.req.query('returnFieldsByFieldId') === 'true');
    }),
  );
  app.patch('/v0/:baseId/:table', (c) =>
    handle(c, true, (body) => {
      const table = tableOr404(c.req.param('baseId'), c.req.param('table'));
      const { records, typecast, returnFieldsByFieldId } = (body ?? {}) as Record<string, unknown>;
      return { records: patch(table, records, typecast === true, returnFieldsByFieldId === true) };
    }),
  );
  app.patch('/v0/:baseId/:table/:recordId', (c) =>
    handle(c, true, (body) => {
      const table = tableOr404(c.req.param('baseId'), c.req.param('table'));
      const { fields, typecast } = (body ?? {}) as Record<string, unknown>;
      const [record] = patch(table, [{ id: c.req.param('recordId'), fields }], typecast === true, false);
      return record;
    }),
  );
  app.notFound((c) => c.json({ error: 'NOT_FOUND' }, 404));

  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;

  return {
    apiUrl: `http://127.0.0.1:${port}/v0/`,
    bases: basesApi,
    calls,
    failNext(baseId, answer, times = 1) {
      injected.set(baseId, [...(injected.get(baseId) ?? []), ...Array.from({ length: times }, () => answer)]);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        // Keep-alive sockets of clients would hold close() open.
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
