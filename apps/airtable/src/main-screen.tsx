import type { Cursor, Table } from '@airtable/blocks/models';
import {
  Box,
  Button,
  Heading,
  Text,
  useBase,
  useCursor,
  useLoadable,
  useRecords,
  useWatchable,
} from '@airtable/blocks/ui';
import { useEffect, useMemo, useState } from 'react';
import { ActionsPanel } from './actions-panel.tsx';
import { fetchBaseSettings } from './base-settings-client.ts';
import type { ExtensionConfig } from './config.ts';
import {
  DOCUMENT_TYPE_LABELS,
  euros,
  fieldsOf,
  formatIssuedAt,
  plural,
  previewOf,
  type RecordPreview,
  settingsOf,
} from './preview.ts';
import { issuedAtTimeZone, outcomeCells, snapshotOf, watchedFields } from './record-cells.ts';
import {
  alreadyMadeMessage,
  displayProgress,
  issuedNumberOf,
  PENDING_TIMEOUT_MS,
  type Progress,
  type RecordSnapshot,
  runIssue,
  type Summary,
  summarize,
} from './run.ts';
import { type FetchLike, triggerRecord } from './trigger-client.ts';

export interface RecordAction {
  recordId: string;
  tableId: string;
}

interface Props {
  table: Table;
  config: ExtensionConfig;
  /** The record a button field opened the extension for; otherwise the grid selection is used. */
  recordAction: RecordAction | null;
  fetchImpl?: FetchLike;
  onOpenSettings: () => void;
  /** How long a record may stay "A emitir…" before the screen offers a retry (tests shorten it). */
  pendingTimeoutMs?: number;
}

const LABELS: Record<Progress['state'], string> = {
  queued: 'Em fila',
  issuing: 'A emitir…',
  waiting: 'A aguardar o limite de pedidos do Airtable…',
  issued: 'Emitido',
  draft: 'Rascunho criado no Moloni (por finalizar)',
  failed: 'Falhou',
  stalled: 'Sem resposta',
  refused: 'Recusado',
};

function describe(progress: Progress, timeZone: string | null): string {
  if (progress.state === 'issued') {
    // A date field's ISO time in the base's zone; a text field's as the server wrote it.
    const at = progress.issuedAt ? (formatIssuedAt(progress.issuedAt, timeZone) ?? progress.issuedAt) : null;
    return `${progress.number ? `Emitido: ${progress.number}` : 'Emitido'}${at ? ` em ${at}` : ''}`;
  }
  if (progress.state === 'failed' || progress.state === 'refused' || progress.state === 'stalled')
    return `${LABELS[progress.state]}: ${progress.message}`;
  return LABELS[progress.state];
}

function summaryText(summary: Summary): string {
  const parts = [
    plural(summary.issued, 'emitido', 'emitidos'),
    ...(summary.draft > 0 ? [plural(summary.draft, 'rascunho', 'rascunhos')] : []),
    `${summary.issuing + summary.queued} em curso`,
    plural(summary.failed, 'falhou', 'falharam'),
    plural(summary.refused, 'recusado', 'recusados'),
  ];
  return `${parts.join(', ')} (de ${summary.total})`;
}

/** A rerender now and then while something is pending, so that a timeout shows without an event. */
function useClock(active: boolean, everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
  return active ? now : Date.now();
}

/**
 * Which records the screen is about: the button's record or the grid selection, whichever came
 * last. `useRecordActionData` returns the latest action until another one comes (a new object per
 * press), so the press alone cannot say that the person has since selected other records: each
 * change of the cursor's selection is an event of its own. An empty selection (a click outside the
 * grid) does not take the button's record away.
 */
export function useNewestTarget(
  recordAction: RecordAction | null,
  tableId: string,
  cursor: Cursor,
): { ids: string[]; fromButton: boolean } {
  const [source, setSource] = useState<'action' | 'selection'>(recordAction ? 'action' : 'selection');
  useEffect(() => {
    if (recordAction) setSource('action');
  }, [recordAction]);
  useEffect(() => {
    const onSelection = () => {
      if (cursor.selectedRecordIds.length > 0) setSource('selection');
    };
    cursor.watch('selectedRecordIds', onSelection);
    return () => {
      cursor.unwatch('selectedRecordIds', onSelection);
    };
  }, [cursor]);
  const selection = cursor.activeTableId === tableId ? cursor.selectedRecordIds : [];
  const fromButton = source === 'action' && recordAction !== null && recordAction.tableId === tableId;
  return fromButton && recordAction
    ? { ids: [recordAction.recordId], fromButton }
    : { ids: [...selection], fromButton: false };
}

export function MainScreen({
  table,
  config,
  recordAction,
  fetchImpl,
  onOpenSettings,
  pendingTimeoutMs = PENDING_TIMEOUT_MS,
}: Props) {
  const base = useBase();
  const cursor = useCursor();
  useLoadable(cursor);
  useWatchable(cursor, ['selectedRecordIds', 'activeTableId']);
  const records = useRecords(table, { fields: watchedFields(table, config) });
  const [progress, setProgress] = useState<Record<string, Progress>>({});
  const [phase, setPhase] = useState<'idle' | 'confirm' | 'running'>('idle');
  /** The records of the confirmation and of the run: the selection may move meanwhile. */
  const [frozen, setFrozen] = useState<string[] | null>(null);
  const [previews, setPreviews] = useState<{ rows: RecordPreview[]; fromServer: boolean } | null>(null);
  const target = useNewestTarget(recordAction, table.id, cursor);
  const targetIds = frozen ?? target.ids;
  const targetKey = targetIds.join(',');
  const byId = useMemo(() => new Map(records.map((record) => [record.id, record])), [records]);
  const snapshots = useMemo(
    () =>
      targetKey
        .split(',')
        .filter(Boolean)
        .flatMap((id) => {
          const record = byId.get(id);
          return record ? [snapshotOf(record, table, config)] : [];
        }),
    [byId, targetKey, table, config],
  );

  const permission = table.checkPermissionsForUpdateRecords();
  const toIssue = snapshots.filter((record) => issuedNumberOf(record, config.statuses) === undefined);
  const pending = snapshots.some((record) => progress[record.id]?.state === 'issuing');
  const now = useClock(pending, Math.max(20, Math.min(1000, Math.floor(pendingTimeoutMs / 4))));
  const shown = snapshots.map((record) =>
    displayProgress(progress[record.id], record, config.statuses, now, pendingTimeoutMs),
  );
  const summary = summarize(shown);
  const timeZone = issuedAtTimeZone(table, config);

  async function run(list: RecordSnapshot[]) {
    setPhase('running');
    setProgress((current) => {
      const next = { ...current };
      for (const record of list) delete next[record.id];
      return next;
    });
    try {
      await runIssue(list, {
        statuses: config.statuses,
        trigger: (recordId) =>
          triggerRecord(config, { baseId: base.id, tableId: table.id, recordId }, fetchImpl),
        write: async (batch) => {
          if (table.hasPermissionToUpdateRecords(batch)) await table.updateRecordsAsync(batch);
        },
        cells: outcomeCells(table, config),
        onProgress: (recordId, next) => setProgress((current) => ({ ...current, [recordId]: next })),
      });
    } finally {
      setPhase('idle');
      setFrozen(null);
    }
  }

  async function askToConfirm() {
    const list = toIssue;
    setFrozen(snapshots.map((record) => record.id));
    setPreviews(null);
    setPhase('confirm');
    // The server's settings are the mapping that decides; the extension's picks only if it cannot say.
    const server = await fetchBaseSettings(config, base.id, fetchImpl);
    const settings = server ?? settingsOf(table, config);
    const query = await table.selectRecordsAsync({ fields: fieldsOf(table, settings) });
    try {
      const rows = list.flatMap((snapshot) => {
        const record = query.getRecordByIdIfExists(snapshot.id);
        return record ? [previewOf(record, table, config, settings)] : [];
      });
      setPreviews({ rows, fromServer: server !== null });
    } finally {
      query.unloadData();
    }
  }

  function cancel() {
    setFrozen(null);
    setPhase('idle');
  }

  if (phase === 'confirm' && !previews) {
    return (
      <Box padding={3}>
        <Heading>Confirmar a emissão</Heading>
        <Text marginBottom={2}>A preparar a pré-visualização…</Text>
        <Button onClick={cancel}>Cancelar</Button>
      </Box>
    );
  }

  if (phase === 'confirm' && previews) {
    const { rows } = previews;
    const total = rows.reduce((sum, preview) => sum + (preview.ok ? preview.total : 0), 0);
    return (
      <Box padding={3}>
        <Heading>Confirmar a emissão</Heading>
        <Text marginBottom={2}>
          {`Vão ser emitidos ${plural(rows.length, 'documento certificado', 'documentos certificados')} no Moloni, num total de ${euros(total)}:`}
        </Text>
        {!previews.fromServer && (
          <Text marginBottom={2} textColor="light">
            O Faturador não deu as definições desta base: a pré-visualização usa os campos escolhidos na
            extensão e pode diferir do que o Faturador emite.
          </Text>
        )}
        <table aria-label="Pré-visualização">
          <thead>
            <tr>
              <th>Cliente</th>
              <th>NIF</th>
              <th>Total</th>
              <th>IVA</th>
              <th>Tipo</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((preview) =>
              preview.ok ? (
                <tr key={preview.id} data-preview-id={preview.id}>
                  <td>{preview.customer}</td>
                  <td>{preview.nif ?? 'Consumidor final'}</td>
                  <td>{euros(preview.total)}</td>
                  <td>{`${preview.vatRate}% (${preview.fiscalZone}): ${euros(preview.vat)}`}</td>
                  <td>{DOCUMENT_TYPE_LABELS[preview.documentType] ?? preview.documentType}</td>
                </tr>
              ) : (
                <tr key={preview.id} data-preview-id={preview.id}>
                  <td>{preview.customer}</td>
                  <td colSpan={4}>{`O Faturador vai recusar este registo: ${preview.problems}`}</td>
                </tr>
              ),
            )}
          </tbody>
        </table>
        <Box display="flex" marginTop={2}>
          <Button variant="primary" onClick={() => run(toIssue)} marginRight={2}>
            {`Confirmar e emitir ${rows.length}`}
          </Button>
          <Button onClick={cancel}>Cancelar</Button>
        </Box>
      </Box>
    );
  }

  return (
    <Box padding={3}>
      <Heading>Faturar reservas</Heading>
      {snapshots.length === 0 ? (
        <Text>Selecione na tabela «{table.name}» os registos a faturar, ou use o botão de um registo.</Text>
      ) : (
        <ul aria-label="Registos">
          {snapshots.map((record, index) => {
            const state = shown[index];
            const made = alreadyMadeMessage(record, config.statuses);
            const idle = made ? made.replace(/\.$/, '') : 'Pronto a faturar';
            const retry =
              phase === 'idle' &&
              permission.hasPermission &&
              (state?.state === 'stalled' || (state?.state === 'failed' && state.retryable));
            return (
              <li key={record.id} data-record-id={record.id}>
                <strong>{record.name || record.id}</strong> — {state ? describe(state, timeZone) : idle}
                {retry && (
                  <Button size="small" marginLeft={2} onClick={() => run([record])}>
                    Tentar de novo
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {summary.total > 1 && (
        <Text role="status" marginY={2}>
          {summaryText(summary)}
        </Text>
      )}
      {!permission.hasPermission && (
        <Text role="alert" textColor="red" marginY={2}>
          {`Sem permissão para faturar: ${permission.reasonDisplayString}`}
        </Text>
      )}
      <Box display="flex" marginTop={2}>
        <Button
          variant="primary"
          onClick={askToConfirm}
          disabled={phase !== 'idle' || toIssue.length === 0 || !permission.hasPermission}
          marginRight={2}
        >
          {toIssue.length === 1 ? 'Emitir 1 fatura' : `Emitir ${toIssue.length} faturas`}
        </Button>
        <Button onClick={onOpenSettings}>Definições</Button>
      </Box>
      {phase === 'idle' && (
        <ActionsPanel
          baseId={base.id}
          table={table}
          config={config}
          records={snapshots}
          canWrite={permission.hasPermission}
          fetchImpl={fetchImpl}
        />
      )}
    </Box>
  );
}
