import type { TriggerResult } from './trigger-client.ts';

/** Per record: queued → issuing → issued / failed; refused when it must not be sent at all. */
export type Progress =
  | { state: 'queued' }
  | { state: 'issuing' }
  | { state: 'issued'; number: string | null }
  | { state: 'failed'; message: string }
  | { state: 'refused'; message: string };

/** What the extension sees of a record (cell values as strings). */
export interface RecordSnapshot {
  id: string;
  name: string;
  status: string;
  number: string;
  error: string;
}

export interface Statuses {
  issued: string;
  issuing: string;
  failed: string;
}

/** The SDK refuses more than 50 records per update call. */
export const MAX_RECORDS_PER_WRITE = 50;

export type RecordWrite = { id: string; fields: Record<string, unknown> };

/** The number (or null) when the record says it is invoiced; undefined when it does not. */
export function issuedNumberOf(record: RecordSnapshot, statuses: Statuses): string | null | undefined {
  if (record.number) return record.number;
  return record.status === statuses.issued ? null : undefined;
}

/**
 * The state to show: the run's own, unless the record has moved on. The backend writes results
 * through the Web API and Airtable syncs them here, so a pending record settles by itself.
 */
export function displayProgress(
  progress: Progress | undefined,
  record: RecordSnapshot,
  statuses: Statuses,
): Progress | undefined {
  if (!progress || (progress.state !== 'issuing' && progress.state !== 'queued')) return progress;
  if (progress.state === 'queued') return progress;
  const number = issuedNumberOf(record, statuses);
  if (number !== undefined) return { state: 'issued', number };
  if (record.status === statuses.failed && record.error) return { state: 'failed', message: record.error };
  return progress;
}

export interface Summary {
  total: number;
  queued: number;
  issuing: number;
  issued: number;
  failed: number;
  refused: number;
}

export function summarize(states: ReadonlyArray<Progress | undefined>): Summary {
  const summary: Summary = { total: 0, queued: 0, issuing: 0, issued: 0, failed: 0, refused: 0 };
  for (const progress of states) {
    if (!progress) continue;
    summary.total += 1;
    summary[progress.state] += 1;
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
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
}

function toProgress(result: TriggerResult): Progress {
  switch (result.kind) {
    case 'issued':
      return { state: 'issued', number: result.number };
    case 'pending':
      return { state: 'issuing' };
    case 'already-issued':
      return { state: 'refused', message: `Já faturado${result.number ? ` (${result.number})` : ''}.` };
    default:
      return { state: 'failed', message: result.message };
  }
}

/**
 * Issues a selection: refuses records already invoiced, marks the others "A emitir" (≤ 50 per
 * write), asks the backend for each (a few at a time, waiting out its rate limits), then writes
 * the failures the backend could not write itself. Returns the final progress of every record.
 */
export async function runIssue(
  records: readonly RecordSnapshot[],
  deps: RunDeps,
): Promise<Map<string, Progress>> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const results = new Map<string, Progress>();
  const report = (id: string, progress: Progress) => {
    results.set(id, progress);
    deps.onProgress(id, progress);
  };

  const todo: RecordSnapshot[] = [];
  for (const record of records) {
    const number = issuedNumberOf(record, deps.statuses);
    if (number === undefined) {
      todo.push(record);
      report(record.id, { state: 'queued' });
    } else {
      report(record.id, { state: 'refused', message: `Já faturado${number ? ` (${number})` : ''}.` });
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
  const retries = deps.retries ?? 2;
  const worker = async () => {
    for (let record = queue.shift(); record; record = queue.shift()) {
      report(record.id, { state: 'issuing' });
      let result = await deps.trigger(record.id);
      for (let attempt = 0; result.kind === 'failed' && result.retryAfterMs && attempt < retries; attempt++) {
        await sleep(Math.min(result.retryAfterMs, 30_000));
        result = await deps.trigger(record.id);
      }
      report(record.id, toProgress(result));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 3) }, worker));

  const failures: RecordWrite[] = [];
  for (const record of todo) {
    const progress = results.get(record.id);
    if (progress?.state === 'failed') {
      const fields = deps.cells({ kind: 'failed', message: progress.message });
      if (Object.keys(fields).length > 0) failures.push({ id: record.id, fields });
    }
  }
  await writeInBatches(failures, deps.write);
  return results;
}
