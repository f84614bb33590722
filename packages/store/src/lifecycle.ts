import { createHash } from 'node:crypto';
import type { SerializedError } from '@faturador/core';
import type { Redis } from 'ioredis';
import { evalScript } from './lua.ts';

/** What can be done to a request's document after it was issued. */
export const ACTION_KINDS = ['finalize', 'delete', 'credit_note', 'receipt', 'email'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export type ActionState = 'queued' | 'running' | 'done' | 'failed';

/** A document an action made in Moloni (a credit note, a receipt) or the request's own, finalized. */
export interface ActionDocument {
  moloniDocumentId: number;
  number: string | null;
  totalCents: number;
  createdAt: string;
}

/** One action on one request: its own Idempotency-Key, reference and audit trail. */
export interface LifecycleAction {
  actionId: string;
  requestId: string;
  clientId: string;
  kind: ActionKind;
  /** The validated input (reason, lines, amount, recipient…). */
  input: Record<string, unknown>;
  /** `<reference>/NC1`, `<reference>/RC1`: what reconciliation finds the document by; null otherwise. */
  reference: string | null;
  state: ActionState;
  /** Persisted the moment Moloni returns it: a crash after this adopts, never re-inserts. */
  moloniDocumentId: number | null;
  document: ActionDocument | null;
  /** Whatever else the outcome says (the open amount after a receipt, where an e-mail went). */
  outcome: Record<string, unknown> | null;
  error: SerializedError | null;
  httpStatus: number | null;
  /** Whether its outcome reached the request's thread or record (absent until it is tried). */
  delivery?: { state: 'delivered' | 'failed' | 'refused' | 'none'; detail: string | null };
  /** Who asked: `client:<id>` (the API), `admin:<e-mail>` (the backoffice), `slack:<user>`… */
  by?: string;
  createdAt: string;
  updatedAt: string;
}

export type ActionClaim =
  | { kind: 'claimed'; action: LifecycleAction }
  | { kind: 'existing'; action: LifecycleAction; sameBody: boolean };

export interface NewAction {
  actionId: string;
  requestId: string;
  clientId: string;
  kind: ActionKind;
  input: Record<string, unknown>;
  idempotencyKey: string;
  fingerprint: string;
  /** `NC` or `RC`: the action gets `<baseReference>/<code><n>`, n counted per request and code. */
  referenceCode: 'NC' | 'RC' | null;
  baseReference: string;
  by?: string;
}

const hashOf = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

// Key, sequence number and action are claimed together, or not at all.
const CLAIM = `
local existing = redis.call('GET', KEYS[1])
if existing then return {'existing', existing} end
local reference = ''
if ARGV[4] ~= '' then
  local n = redis.call('HINCRBY', KEYS[3], ARGV[4], 1)
  reference = ARGV[5] .. '/' .. ARGV[4] .. n
end
-- The action's JSON comes without its closing brace; only the reference is encoded here, so the
-- rest (arrays included) is stored exactly as sent.
local encoded = ARGV[3] .. ',"reference":' .. (reference ~= '' and cjson.encode(reference) or 'null') .. '}'
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'EX', ARGV[6])
redis.call('SET', KEYS[2], encoded)
redis.call('RPUSH', KEYS[4], ARGV[1])
return {'claimed', ARGV[1] .. ' ' .. ARGV[2]}
`;

export interface LifecycleStoreDeps {
  redis: Redis;
  prefix: string;
  ttlSeconds: number;
}

export function createLifecycleStore({ redis, prefix, ttlSeconds }: LifecycleStoreDeps) {
  const idemKey = (clientId: string, key: string) => `${prefix}:life:idem:${clientId}:${hashOf(key)}`;
  const actionKey = (actionId: string) => `${prefix}:life:action:${actionId}`;
  const seqKey = (requestId: string) => `${prefix}:life:seq:${requestId}`;
  const listKey = (requestId: string) => `${prefix}:life:actions:${requestId}`;
  const touch = () => new Date().toISOString();

  async function get(actionId: string): Promise<LifecycleAction | null> {
    const raw = await redis.get(actionKey(actionId));
    return raw ? (JSON.parse(raw) as LifecycleAction) : null;
  }

  async function update(actionId: string, change: Partial<LifecycleAction>): Promise<LifecycleAction> {
    const current = await get(actionId);
    if (!current) throw new Error(`No lifecycle action ${actionId}.`);
    // One writer per action at a time (the worker holds the request's lock), so read-modify-write is safe.
    const next = { ...current, ...change, updatedAt: touch() };
    await redis.set(actionKey(actionId), JSON.stringify(next));
    return next;
  }

  return {
    get,

    /** Claims the key and creates the action with its reference; a used key returns its action. */
    async claim(input: NewAction): Promise<ActionClaim> {
      const now = touch();
      const action: Omit<LifecycleAction, 'reference'> = {
        actionId: input.actionId,
        requestId: input.requestId,
        clientId: input.clientId,
        kind: input.kind,
        input: input.input,
        state: 'queued',
        moloniDocumentId: null,
        document: null,
        outcome: null,
        error: null,
        httpStatus: null,
        ...(input.by ? { by: input.by } : {}),
        createdAt: now,
        updatedAt: now,
      };
      const [kind, value] = (await evalScript(
        redis,
        CLAIM,
        4,
        idemKey(input.clientId, input.idempotencyKey),
        actionKey(input.actionId),
        seqKey(input.requestId),
        listKey(input.requestId),
        input.actionId,
        input.fingerprint,
        JSON.stringify(action).slice(0, -1),
        input.referenceCode ?? '',
        input.baseReference,
        String(ttlSeconds),
      )) as [string, string];
      const [actionId = '', stored] = value.split(' ');
      const found = await get(actionId);
      if (!found) throw new Error(`Lifecycle action ${actionId} is missing.`);
      if (kind === 'claimed') return { kind: 'claimed', action: found };
      return { kind: 'existing', action: found, sameBody: stored === input.fingerprint };
    },

    /** Every action on a request, oldest first. */
    async list(requestId: string): Promise<LifecycleAction[]> {
      const ids = await redis.lrange(listKey(requestId), 0, -1);
      const actions = await Promise.all(ids.map(get));
      return actions.filter((action): action is LifecycleAction => action !== null);
    },

    markRunning: (actionId: string) => update(actionId, { state: 'running' }),
    recordDocumentId: (actionId: string, documentId: number) =>
      update(actionId, { moloniDocumentId: documentId }),
    markDone: (actionId: string, document: ActionDocument | null, outcome: Record<string, unknown> | null) =>
      update(actionId, {
        state: 'done',
        document,
        outcome,
        error: null,
        httpStatus: 201,
        ...(document ? { moloniDocumentId: document.moloniDocumentId } : {}),
      }),
    markFailed: (actionId: string, error: SerializedError, httpStatus: number) =>
      update(actionId, { state: 'failed', error, httpStatus }),
    /** Records where an action stands before its outcome is known (an e-mail: `sending` before SMTP). */
    recordOutcome: (actionId: string, outcome: Record<string, unknown>) => update(actionId, { outcome }),
    setDelivery: (
      actionId: string,
      state: NonNullable<LifecycleAction['delivery']>['state'],
      detail: string | null,
    ) => update(actionId, { delivery: { state, detail } }),
    markQueued: (actionId: string) => update(actionId, { state: 'queued', error: null, httpStatus: null }),

    /**
     * One action at a time per request, across workers: what remains to credit or pay is read fresh.
     * The token is the action's id, so the same action run again after its worker died (a stalled
     * job) takes its own lock back at once instead of waiting out the TTL.
     */
    async lock(requestId: string, token: string, ttlMs: number): Promise<boolean> {
      const taken = await evalScript(
        redis,
        `if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 end
         if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
         return 0`,
        1,
        `${prefix}:life:lock:${requestId}`,
        token,
        String(ttlMs),
      );
      return taken === 1;
    },
    async unlock(requestId: string, token: string): Promise<void> {
      await evalScript(
        redis,
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
        1,
        `${prefix}:life:lock:${requestId}`,
        token,
      );
    },
  };
}

export type LifecycleStore = ReturnType<typeof createLifecycleStore>;
