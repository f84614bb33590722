import type { TriggerResult } from './trigger-client.ts';

/**
 * Per record: queued → issuing → issued / draft / failed; refused when it must not be sent at all.
 * `waiting` is a rate limit being waited out (not a failure); `stalled` an answer that never came,
 * or a result that never reached the record, within the extension's patience.
 */
export type Progress =
  | { state: 'queued' }
  | { state: 'issuing'; since: number }
  | { state: 'waiting'; until: number }
  | { state: 'issued'; number: string | null; issuedAt?: string | null }
  | { state: 'draft' }
  | { state: 'failed'; message: string; retryable: boolean; recordWritten?: boolean }
  | { state: 'stalled'; message: string }
  | { state: 'refused'; message: string };

/** What the extension sees of a record (cell values as strings). */
export interface RecordSnapshot {
  id: string;
  name: string;
  status: string;
  number: string;
  error: string;
  /** The issue-time field's value (ISO for a date field), or ''. */
  issuedAt: string;
  /** The Faturador request's id (`req_…`) the backend wrote, or '': what cancelling and paying need. */
  requestId: string;
}

export interface Statuses {
  issued: string;
  issuing: string;
  draft: string;
  failed: string;
}

/** The SDK refuses more than 50 records per update call. */
export const MAX_RECORDS_PER_WRITE = 50;

/** How long a record may stay "A emitir…" in the extension before it says so and offers a retry. */
export const PENDING_TIMEOUT_MS = 120_000;

/** How long, at most, a selection waits out rate limits in total before a record is given up. */
export const MAX_RATE_LIMIT_WAIT_MS = 180_000;

export type RecordWrite = { id: string; fields: Record<string, unknown> };

/** What the record says was made for it already: a document (maybe without its number), a draft, or nothing. */
export function existingDocumentOf(
  record: RecordSnapshot,
  statuses: Statuses,
): { kind: 'issued'; number: string | null } | { kind: 'draft' } | undefined {
  if (record.status === statuses.draft) return { kind: 'draft' };
  if (record.number) return { kind: 'issued', number: record.number };
  return record.status === statuses.issued ? { kind: 'issued', number: null } : undefined;
}

/** The number (or null) when the record says it is invoiced or has a draft; undefined when it does not. */
export function issuedNumberOf(record: RecordSnapshot, statuses: Statuses): string | null | undefined {
  const existing = existingDocumentOf(record, statuses);
  if (!existing) return undefined;
  return existing.kind === 'issued' ? existing.number : null;
}

export function alreadyMadeMessage(record: RecordSnapshot, statuses: Statuses): string | null {
  const existing = existingDocumentOf(record, statuses);
  if (!existing) return null;
  if (existing.kind === 'draft') return 'Já tem um rascunho no Moloni (por finalizar).';
  return `Já faturado${existing.number ? ` (${existing.number})` : ''}.`;
}

/**
 * The state to show: the run's own, unless the record has moved on. The backend writes results
 * through the Web API and Airtable syncs them here, so a pending record settles by itself; one that
 * does not within `timeoutMs` is shown as stalled (with a retry), never "A emitir…" forever.
 */
export function displayProgress(
  progress: Progress | undefined,
  record: RecordSnapshot,
  statuses: Statuses,
  now = Date.now(),
  timeoutMs = PENDING_TIMEOUT_MS,
): Progress | undefined {
  if (progress?.state !== 'issuing') return progress;
  const existing = existingDocumentOf(record, statuses);
  if (existing?.kind === 'issued') {
    return { state: 'issued', number: existing.number, issuedAt: record.issuedAt || null };
  }
  if (existing?.kind === 'draft') return { state: 'draft' };
  if (record.status === statuses.failed && record.error) {
    return { state: 'failed', message: record.error, retryable: true };
  }
  if (now - progress.since >= timeoutMs) {
    const minutes = Math.max(1, Math.round(timeoutMs / 60_000));
    return {
      state: 'stalled',
      message: `Sem resultado no registo ao fim de ${minutes === 1 ? '1 minuto' : `${minutes} minutos`}: o Faturador pode ainda estar a emitir. Tentar de novo é seguro, nunca emite uma segunda fatura.`,
    };
  }
  return progress;
}

export interface Summary {
  total: number;
  queued: number;
  /** Asked, waiting for the answer or the record's result, or waiting out a rate limit. */
  issuing: number;
  issued: number;
  draft: number;
  failed: number;
  refused: number;
}

export function summarize(states: ReadonlyArray<Progress | undefined>): Summary {
  const summary: Summary = { total: 0, queued: 0, issuing: 0, issued: 0, draft: 0, failed: 0, refused: 0 };
  for (const progress of states) {
    if (!progress) continue;
    summary.total += 1;
    if (progress.state === 'waiting') summary.issuing += 1;
    else if (progress.state === 'stalled') summary.failed += 1;
    else summary[progress.state] += 1;
  }
  return summary;
}

export async function writeInBatches(
  writes: readonly RecordWrite[],
  write: (batch: RecordWrite[]) => Promise<void>,
) {
  for (let start = 0; start < writes.length; start += MAX_RECORDS_PER_WRITE) {
    // Awaited one by one: Airtable accepts about 15 mutations a second from an extension.
    await write(writes.slice(start, start + MAX_RECORDS_PER_WRITE));
  }
}

export interface RunDeps {
  trigger: (recordId: string) => Promise<TriggerResult>;
  write: (batch: RecordWrite[]) => Promise<void>;
  /** Cell values that show a state on the record; empty when the field cannot take them. */
  cells: (outcome: { kind: 'issuing' } | { kind: 'failed'; message: string }) => Record<string, unknown>;
  onProgress: (recordId: string, progress: Progress) => void;
  statuses: Statuses;
  concurrency?: number;
  /** The total time one record may spend waiting out rate limits (Retry-After) before it fails. */
  maxRateLimitWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

function toProgress(result: TriggerResult, now: number): Progress {
  switch (result.kind) {
    case 'issued':
      return result.status === 'draft'
        ? { state: 'draft' }
        : { state: 'issued', number: result.number, issuedAt: result.issuedAt };
    case 'pending':
      return { state: 'issuing', since: now };
    case 'in-doubt':
      // Not written to the record: the backend may still write the document there.
      return { state: 'stalled', message: result.message };
    case 'already-issued':
      return { state: 'refused', message: `Já faturado${result.number ? ` (${result.number})` : ''}.` };
    default:
      return {
        state: 'failed',
        message: result.message,
        retryable: result.retryable,
        ...(result.recordWritten ? { recordWritten: true } : {}),
      };
  }
}

/**
 * Issues a selection: refuses records already invoiced, marks the others "A emitir" (≤ 50 per
 * write), asks the backend for each (a few at a time, waiting out its rate limits for as long as
 * they last, within a bound), then writes the failures the backend could not write itself (every
 * other result reaches the record through the backend's deliver step).
 * Returns the final progress of every record.
 */
export async function runIssue(
  records: readonly RecordSnapshot[],
  deps: RunDeps,
): Promise<Map<string, Progress>> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = deps.now ?? Date.now;
  const results = new Map<string, Progress>();
  const report = (id: string, progress: Progress) => {
    results.set(id, progress);
    deps.onProgress(id, progress);
  };

  const todo: RecordSnapshot[] = [];
  for (const record of records) {
    const made = alreadyMadeMessage(record, deps.statuses);
    if (made === null) {
      todo.push(record);
      report(record.id, { state: 'queued' });
    } else {
      report(record.id, { state: 'refused', message: made });
    }
  }

  const issuing = deps.cells({ kind: 'issuing' });
  if (Object.keys(issuing).length > 0) {
    await writeInBatches(
      todo.map((record) => ({ id: record.id, fields: issuing })),
      deps.write,
    );
  }

  const queue = [...todo];
  const budget = deps.maxRateLimitWaitMs ?? MAX_RATE_LIMIT_WAIT_MS;
  const worker = async () => {
    for (let record = queue.shift(); record; record = queue.shift()) {
      report(record.id, { state: 'issuing', since: now() });
      let result = await deps.trigger(record.id);
      let waited = 0;
      // A rate limit is waited out, however many answers it takes, until the budget is spent: the
      // record shows "waiting", never an error, while it lasts.
      while (result.kind === 'failed' && result.retryAfterMs !== undefined && waited < budget) {
        const pause = Math.min(result.retryAfterMs, 30_000, budget - waited);
        report(record.id, { state: 'waiting', until: now() + pause });
        await sleep(pause);
        waited += pause;
        report(record.id, { state: 'issuing', since: now() });
        result = await deps.trigger(record.id);
      }
      report(record.id, toProgress(result, now()));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 3) }, worker));

  const failures: RecordWrite[] = [];
  for (const record of todo) {
    const progress = results.get(record.id);
    // Only what Faturador cannot write itself (see writtenByFaturador).
    if (progress?.state === 'failed' && !progress.recordWritten) {
      const fields = deps.cells({ kind: 'failed', message: progress.message });
      if (Object.keys(fields).length > 0) failures.push({ id: record.id, fields });
    }
  }
  await writeInBatches(failures, deps.write);
  return results;
}
