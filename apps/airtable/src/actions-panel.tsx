import type { Table } from '@airtable/blocks/models';
import { Box, Button, FormField, Heading, Input, Text } from '@airtable/blocks/ui';
import { useState } from 'react';
import { type ActionKey, loadActionKey, saveActionKey } from './action-key.ts';
import { type ActionResult, type DocumentAction, performAction } from './actions-client.ts';
import type { ExtensionConfig } from './config.ts';
import { euros, plural } from './preview.ts';
import { actionCells } from './record-cells.ts';
import { existingDocumentOf, type RecordSnapshot, writeInBatches } from './run.ts';
import type { FetchLike } from './trigger-client.ts';

interface Props {
  baseId: string;
  table: Table;
  config: ExtensionConfig;
  records: readonly RecordSnapshot[];
  canWrite: boolean;
  fetchImpl?: FetchLike;
}

type ActionState = { kind: 'working' } | ActionResult;

const newAttempt = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;

/** "150,50" or "150.5" → 150.5; null when it is not an amount of at most two decimals above 0. */
export function parseAmount(text: string): number | null {
  const normalized = text.replace(/[€\s]/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(normalized)) return null;
  const value = Number(normalized);
  return value > 0 ? value : null;
}

function describeResult(result: ActionState): string {
  if (result.kind === 'working') return 'A enviar…';
  if (result.kind === 'credited') {
    return `${result.fullyCredited ? 'Anulado' : 'Creditado em parte'}${result.number ? `: ${result.number}` : ''}`;
  }
  if (result.kind === 'paid') {
    const open = result.openAmount === null ? '' : ` (em dívida: ${euros(result.openAmount)})`;
    return `Pagamento registado${result.number ? `: ${result.number}` : ''}${open}`;
  }
  return `Falhou: ${result.message}`;
}

/**
 * Cancelling (a credit note of everything left, with a reason) and recording a payment (a receipt)
 * for the selected records that were issued, through the billing API; the outcome is written to
 * the fields the settings map, as the server's mapping words it.
 */
export function ActionsPanel({ baseId, table, config, records, canWrite, fetchImpl }: Props) {
  const [key, setKey] = useState<ActionKey | null>(() => loadActionKey(baseId));
  const [draftKey, setDraftKey] = useState<ActionKey>({ clientId: '', apiKey: '', apiSecret: '' });
  const [mode, setMode] = useState<'credit' | 'receipt' | null>(null);
  const [reason, setReason] = useState('');
  const [amount, setAmount] = useState('');
  const [attempt, setAttempt] = useState(newAttempt);
  const [results, setResults] = useState<Record<string, ActionState>>({});
  const [busy, setBusy] = useState(false);

  const issued = records.filter((record) => existingDocumentOf(record, config.statuses)?.kind === 'issued');
  if (issued.length === 0) return null;
  const eligible = issued.filter((record) => record.requestId);
  const missingId = issued.length - eligible.length;
  const amountValue = amount.trim() === '' ? undefined : parseAmount(amount);

  async function run(action: DocumentAction) {
    if (!key) return;
    setBusy(true);
    let failedAny = false;
    try {
      for (const record of eligible) {
        setResults((current) => ({ ...current, [record.id]: { kind: 'working' } }));
        const result = await performAction(
          config.backendUrl,
          key,
          { requestId: record.requestId, recordId: record.id, attempt },
          action,
          fetchImpl,
        );
        setResults((current) => ({ ...current, [record.id]: result }));
        if (result.kind === 'failed') failedAny = true;
        else {
          const fields = actionCells(table, config, result);
          const write = [{ id: record.id, fields }];
          if (Object.keys(fields).length > 0 && canWrite && table.hasPermissionToUpdateRecords(write)) {
            await writeInBatches(write, (batch) => table.updateRecordsAsync(batch));
          }
        }
      }
      // After a failure the form stays, with the same payment attempt: retrying it cannot pay twice.
      if (!failedAny) {
        setMode(null);
        setReason('');
        setAmount('');
        setAttempt(newAttempt());
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Box marginTop={3} aria-label="Depois de emitir">
      <Heading size="small">Anular ou registar um pagamento</Heading>
      {missingId > 0 && (
        <Text marginBottom={2}>
          {`${plural(missingId, 'registo emitido não tem', 'registos emitidos não têm')} o ID do pedido: escolha o campo «ID do pedido no Faturador» nas definições (o Faturador escreve-o ao emitir).`}
        </Text>
      )}
      {!key ? (
        <Box>
          <Text marginBottom={2} textColor="light">
            Anular e registar pagamentos usa uma chave da API de faturação (âmbito invoices:write). Fica
            guardada só neste navegador, nunca nas definições da base, que todos os colaboradores leem.
          </Text>
          <FormField label="Client ID da chave de faturação">
            <Input
              value={draftKey.clientId}
              onChange={(event) => setDraftKey({ ...draftKey, clientId: event.target.value.trim() })}
            />
          </FormField>
          <FormField label="API key de faturação">
            <Input
              value={draftKey.apiKey}
              onChange={(event) => setDraftKey({ ...draftKey, apiKey: event.target.value.trim() })}
            />
          </FormField>
          <FormField label="Segredo da chave de faturação">
            <Input
              type="password"
              value={draftKey.apiSecret}
              onChange={(event) => setDraftKey({ ...draftKey, apiSecret: event.target.value.trim() })}
            />
          </FormField>
          <Button
            disabled={!draftKey.clientId || !draftKey.apiKey || !draftKey.apiSecret}
            onClick={() => {
              saveActionKey(baseId, draftKey);
              setKey(draftKey);
            }}
          >
            Guardar neste navegador
          </Button>
        </Box>
      ) : mode === null ? (
        <Box display="flex">
          <Button
            marginRight={2}
            disabled={busy || eligible.length === 0 || !canWrite}
            onClick={() => setMode('credit')}
          >
            {`Anular ${eligible.length} (nota de crédito)`}
          </Button>
          <Button
            marginRight={2}
            disabled={busy || eligible.length === 0 || !canWrite}
            onClick={() => {
              setAttempt(newAttempt());
              setMode('receipt');
            }}
          >
            {`Registar pagamento de ${eligible.length}`}
          </Button>
          <Button
            onClick={() => {
              saveActionKey(baseId, null);
              setKey(null);
            }}
          >
            Esquecer a chave
          </Button>
        </Box>
      ) : mode === 'credit' ? (
        <Box>
          <FormField label="Motivo da anulação (vai na nota de crédito)">
            <Input value={reason} onChange={(event) => setReason(event.target.value)} />
          </FormField>
          <Button
            variant="danger"
            marginRight={2}
            disabled={busy || reason.trim() === ''}
            onClick={() => run({ kind: 'credit_note', reason })}
          >
            {`Confirmar anulação de ${plural(eligible.length, 'documento', 'documentos')}`}
          </Button>
          <Button disabled={busy} onClick={() => setMode(null)}>
            Cancelar
          </Button>
        </Box>
      ) : (
        <Box>
          {eligible.length === 1 && (
            <FormField label="Valor pago (vazio: tudo o que está em dívida)">
              <Input value={amount} onChange={(event) => setAmount(event.target.value)} />
            </FormField>
          )}
          {amountValue === null && (
            <Text textColor="red" role="alert">
              Indique um valor maior que 0, com até duas casas decimais (ex.: 150,50).
            </Text>
          )}
          <Button
            variant="primary"
            marginRight={2}
            disabled={busy || amountValue === null}
            onClick={() =>
              run({ kind: 'receipt', ...(typeof amountValue === 'number' ? { amount: amountValue } : {}) })
            }
          >
            Confirmar pagamento
          </Button>
          <Button disabled={busy} onClick={() => setMode(null)}>
            Cancelar
          </Button>
        </Box>
      )}
      {eligible.some((record) => results[record.id]) && (
        <ul aria-label="Resultados das ações">
          {eligible.map((record) => {
            const result = results[record.id];
            return result ? (
              <li key={record.id} data-action-record-id={record.id}>
                <strong>{record.name || record.id}</strong> — {describeResult(result)}
              </li>
            ) : null;
          })}
        </ul>
      )}
    </Box>
  );
}
