import type { Table } from '@airtable/blocks/models';
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
import { useMemo, useState } from 'react';
import type { ExtensionConfig } from './config.ts';
import { outcomeCells, snapshotOf, watchedFields } from './record-cells.ts';
import { displayProgress, issuedNumberOf, type Progress, runIssue, summarize } from './run.ts';
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
}

const LABELS: Record<Progress['state'], string> = {
  queued: 'Em fila',
  issuing: 'A emitir…',
  issued: 'Emitido',
  failed: 'Falhou',
  refused: 'Recusado',
};

function describe(progress: Progress): string {
  if (progress.state === 'issued') return progress.number ? `Emitido: ${progress.number}` : 'Emitido';
  if (progress.state === 'failed' || progress.state === 'refused')
    return `${LABELS[progress.state]}: ${progress.message}`;
  return LABELS[progress.state];
}

export function MainScreen({ table, config, recordAction, fetchImpl, onOpenSettings }: Props) {
  const base = useBase();
  const cursor = useCursor();
  useLoadable(cursor);
  useWatchable(cursor, ['selectedRecordIds', 'activeTableId']);
  const records = useRecords(table, { fields: watchedFields(table, config) });
  const [progress, setProgress] = useState<Record<string, Progress>>({});
  const [running, setRunning] = useState(false);

  const fromButton = recordAction !== null && recordAction.tableId === table.id;
  const targetIds = fromButton
    ? [recordAction.recordId]
    : cursor.activeTableId === table.id
      ? cursor.selectedRecordIds
      : [];
  const snapshots = useMemo(() => {
    const byId = new Map(records.map((record) => [record.id, record]));
    return targetIds.flatMap((id) => {
      const record = byId.get(id);
      return record ? [snapshotOf(record, table, config)] : [];
    });
  }, [records, targetIds, table, config]);

  const permission = table.checkPermissionsForUpdateRecords();
  const toIssue = snapshots.filter((record) => issuedNumberOf(record, config.statuses) === undefined);
  const shown = snapshots.map((record) => displayProgress(progress[record.id], record, config.statuses));
  const summary = summarize(shown);

  async function issue() {
    setRunning(true);
    setProgress({});
    try {
      await runIssue(snapshots, {
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
      setRunning(false);
    }
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
            const number = issuedNumberOf(record, config.statuses);
            const idle =
              number !== undefined ? `Já faturado${number ? ` (${number})` : ''}` : 'Pronto a faturar';
            return (
              <li key={record.id} data-record-id={record.id}>
                <strong>{record.name || record.id}</strong> — {state ? describe(state) : idle}
              </li>
            );
          })}
        </ul>
      )}
      {summary.total > 1 && (
        <Text role="status" marginY={2}>
          {`${summary.issued} emitidos, ${summary.issuing + summary.queued} em curso, ${summary.failed} falharam, ${summary.refused} recusados (de ${summary.total})`}
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
          onClick={issue}
          disabled={running || toIssue.length === 0 || !permission.hasPermission}
          marginRight={2}
        >
          {toIssue.length === 1 ? 'Emitir 1 fatura' : `Emitir ${toIssue.length} faturas`}
        </Button>
        <Button onClick={onOpenSettings}>Definições</Button>
      </Box>
    </Box>
  );
}
