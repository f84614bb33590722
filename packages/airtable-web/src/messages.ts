import type { ErrorCode, SerializedError } from '@faturador/core';

/**
 * What a record's error field says, in the words of the people who read it. The code and the
 * original message follow, so support can find the request.
 */
const WORDS: Partial<Record<ErrorCode, string>> = {
  VALIDATION_ERROR: 'Os dados do registo não são válidos para faturar.',
  AUTH_ERROR: 'A chave de acesso ao Faturador não foi aceite.',
  IP_NOT_ALLOWED: 'O Faturador recusou o pedido: o endereço de origem não está autorizado.',
  IDEMPOTENCY_CONFLICT:
    'Este registo já foi enviado com outros dados e o pedido anterior ainda não terminou ou falhou de forma definitiva.',
  MOLONI_BUSINESS_ERROR: 'O Moloni recusou o documento.',
  CUSTOMER_AMBIGUOUS:
    'Há mais de um cliente no Moloni que corresponde a este cliente; é preciso escolher um.',
  MOLONI_BAD_GATEWAY: 'O Moloni deu uma resposta inválida. Tente de novo daqui a pouco.',
  MOLONI_UNAVAILABLE: 'O Moloni está indisponível. Tente de novo daqui a pouco.',
  MOLONI_TIMEOUT: 'O Moloni demorou demasiado a responder. Tente de novo daqui a pouco.',
  REFERENCE_ALREADY_ISSUED: 'Este registo já foi faturado.',
  NOT_FOUND: 'Não encontrado.',
  RATE_LIMITED: 'Demasiados pedidos seguidos. Tente de novo daqui a pouco.',
  TOTAL_MISMATCH:
    'O total calculado pelo Moloni difere do pedido: o documento ficou em rascunho no Moloni para revisão.',
  TOTAL_UNREACHABLE:
    'Com o método de cálculo desta empresa, o Moloni não consegue chegar a este valor: nada foi emitido. Ajuste o valor para um dos mais próximos indicados.',
  DOCUMENT_FINAL: 'O documento já está finalizado: para o anular, emita uma nota de crédito.',
  DOCUMENT_NOT_FINAL: 'O documento ainda é um rascunho: finalize-o primeiro.',
  DOCUMENT_ALREADY_PAID: 'O documento já está pago: não há recibo a emitir.',
  CREDIT_EXCEEDS_REMAINING:
    'O valor a creditar é maior do que o que falta anular no documento: nada foi emitido.',
  AMOUNT_EXCEEDS_OPEN: 'O pagamento é maior do que o valor em dívida da fatura: nada foi emitido.',
  CONNECTION_NOT_CONFIGURED: 'Esta conta do Faturador não tem ligação ao Moloni configurada.',
  SERVICE_UNAVAILABLE: 'O Faturador está temporariamente indisponível. Tente de novo daqui a pouco.',
  INTERNAL_ERROR: 'Erro interno do Faturador.',
};

export function describeErrorInPortuguese(error: Pick<SerializedError, 'code' | 'message'>): string {
  const words = WORDS[error.code] ?? 'O documento não foi emitido.';
  // Our own validation messages are already Portuguese and complete: repeating the code adds nothing.
  if (error.code === 'VALIDATION_ERROR' && error.message.startsWith('O registo ')) return error.message;
  return `${words}\n(${error.code}: ${error.message})`;
}
