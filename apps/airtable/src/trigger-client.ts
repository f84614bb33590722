import type { ExtensionConfig } from './config.ts';

/** The only backend call the extension makes: "issue this record of this base". */
export const TRIGGER_PATH = '/api/v1/record-triggers/airtable';

export type TriggerResult =
  | { kind: 'issued'; number: string | null }
  /** Accepted, or still running after the sync budget: the backend writes the result to the record. */
  | { kind: 'pending' }
  | { kind: 'already-issued'; number: string | null }
  | { kind: 'failed'; code: string; message: string; retryAfterMs?: number };

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

interface Envelope {
  success?: boolean;
  document?: { number?: string | null };
  error?: { code?: string; message?: string; details?: Record<string, unknown> | null };
}

const WORDS: Record<string, string> = {
  AUTH_ERROR: 'A chave de acionamento não foi aceite: reveja as definições da extensão.',
  IP_NOT_ALLOWED: 'O Faturador recusou o pedido: o endereço de origem não está autorizado.',
  NOT_FOUND: 'Esta base ou este registo não estão configurados no Faturador.',
  RATE_LIMITED: 'O Airtable pediu para abrandar. Tente de novo daqui a pouco.',
  CONNECTION_NOT_CONFIGURED: 'O Faturador não consegue ler esta base: o token da base tem de ser revisto.',
  MOLONI_BUSINESS_ERROR: 'O Moloni recusou o documento.',
  CUSTOMER_AMBIGUOUS: 'Há mais de um cliente no Moloni que corresponde a este cliente.',
  MOLONI_BAD_GATEWAY: 'O Moloni deu uma resposta inválida. Tente de novo daqui a pouco.',
  MOLONI_UNAVAILABLE: 'O Moloni está indisponível. Tente de novo daqui a pouco.',
  SERVICE_UNAVAILABLE: 'O Faturador ou o Airtable estão temporariamente indisponíveis. Tente de novo.',
  TOTAL_MISMATCH: 'O total do Moloni difere do pedido: o documento ficou em rascunho para revisão.',
  TOTAL_UNREACHABLE:
    'O Moloni não consegue chegar a este valor com o método de cálculo da empresa: nada foi emitido.',
  DOCUMENT_FINAL: 'O documento já está finalizado: para o anular, emita uma nota de crédito.',
  DOCUMENT_NOT_FINAL: 'O documento ainda é um rascunho: finalize-o primeiro.',
  DOCUMENT_ALREADY_PAID: 'O documento já está pago: não há recibo a emitir.',
  CREDIT_EXCEEDS_REMAINING: 'O valor a creditar é maior do que o que falta anular: nada foi emitido.',
  AMOUNT_EXCEEDS_OPEN: 'O pagamento é maior do que o valor em dívida: nada foi emitido.',
  IDEMPOTENCY_CONFLICT: 'Este registo foi enviado antes com outros dados e esse pedido ainda não terminou.',
};

/** An error answer in the words of the people who read the extension. */
export function describeFailure(code: string, message: string): string {
  // The backend's own refusals of a record are already Portuguese and name the fields.
  if (code === 'VALIDATION_ERROR' && message.startsWith('O registo ')) return message;
  const words = WORDS[code];
  return words ? `${words} (${code}: ${message})` : `${message} (${code})`;
}

export async function triggerRecord(
  config: Pick<ExtensionConfig, 'backendUrl' | 'clientId' | 'apiKey' | 'apiSecret'>,
  target: { baseId: string; tableId: string; recordId: string },
  fetchImpl: FetchLike = (url, init) => fetch(url, init),
): Promise<TriggerResult> {
  let response: Response;
  try {
    response = await fetchImpl(`${config.backendUrl}${TRIGGER_PATH}?wait=sync`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Client-Id': config.clientId,
        'X-Api-Key': config.apiKey,
        'X-Api-Secret': config.apiSecret,
      },
      body: JSON.stringify({ base_id: target.baseId, table_id: target.tableId, record_id: target.recordId }),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      kind: 'failed',
      code: 'NETWORK_ERROR',
      message: `Não foi possível contactar o Faturador em ${config.backendUrl} (${reason}).`,
    };
  }
  const body = (await response.json().catch(() => ({}))) as Envelope;
  if (response.status === 201) return { kind: 'issued', number: body.document?.number ?? null };
  if (response.status === 202) return { kind: 'pending' };
  const code = body.error?.code ?? `HTTP_${response.status}`;
  const details = body.error?.details ?? null;
  if (details?.retry_with_same_idempotency_key === true) return { kind: 'pending' };
  if (code === 'REFERENCE_ALREADY_ISSUED') {
    const document = details?.document as { number?: string | null } | null | undefined;
    const number = typeof details?.number === 'string' ? details.number : (document?.number ?? null);
    return { kind: 'already-issued', number };
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  return {
    kind: 'failed',
    code,
    message: describeFailure(code, body.error?.message ?? `O Faturador respondeu ${response.status}.`),
    ...(response.status === 429 || response.status === 503
      ? { retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 5_000 }
      : {}),
  };
}
