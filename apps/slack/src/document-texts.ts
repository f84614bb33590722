import type { Locale } from '@faturador/slack-web';

/** The words of the lifecycle forms and of what only the clicker is told. */
const PT = {
  close: 'Cancelar',
  required: 'Obrigatório.',
  /** The request's document as GET tells it, so people see what they act on. */
  summary: (what: string, total: string) => `*${what}* — ${total}`,
  draft: 'Rascunho',
  open: (amount: string) => `em dívida ${amount}`,
  credited: (amount: string) => `já anulado ${amount}`,
  credit: {
    title: 'Anular documento',
    submit: 'Anular',
    intro: 'É emitida uma nota de crédito no Moloni. O resultado aparece na conversa da fatura.',
    reason: 'Motivo da anulação',
    reasonHint: 'Fica impresso na nota de crédito.',
    reasonPlaceholder: 'Erro no NIF do cliente',
    lines: 'Linhas a anular (opcional)',
    linesHint: 'Números das linhas da fatura, separados por vírgulas (ex.: 1, 3). Vazio = anular tudo.',
    badLines: 'Use números de linha a partir de 1, separados por vírgulas (ex.: 1, 3).',
    progress: '⏳ A anular o documento… o resultado aparece na conversa da fatura.',
  },
  receipt: {
    title: 'Registar pagamento',
    submit: 'Registar',
    intro: 'É emitido um recibo no Moloni. O resultado aparece na conversa da fatura.',
    amount: 'Valor pago (€)',
    amountHint: 'Vazio = todo o valor em dívida.',
    amountPlaceholder: '10,00',
    badAmount: 'Valor inválido: use por exemplo 10,00.',
    method: 'Meio de pagamento',
    date: 'Data do pagamento',
    progress: '⏳ A registar o pagamento… o resultado aparece na conversa da fatura.',
  },
  email: {
    title: 'Enviar por e-mail',
    submit: 'Enviar',
    intro: 'O PDF da fatura é enviado por e-mail. O resultado aparece na conversa da fatura.',
    to: 'Enviar para',
    toHint: 'Vazio = o e-mail do cliente indicado quando a fatura foi emitida.',
    badEmail: 'E-mail inválido: use por exemplo ana@cliente.pt.',
    progress: '⏳ A enviar por e-mail… o resultado aparece na conversa da fatura.',
  },
  finalize: {
    title: 'Finalizar rascunho',
    submit: 'Finalizar',
    intro:
      'O rascunho é fechado no Moloni: recebe número certificado e deixa de poder ser alterado ou apagado. O resultado aparece na conversa da fatura.',
    progress: '⏳ A finalizar o rascunho… o resultado aparece na conversa da fatura.',
  },
  invalidButton: 'Este botão já não é válido.',
  notAllowed: 'Não tem permissão para alterar faturas neste canal. Fale com um administrador do Faturador.',
  openFailed: 'Não consegui abrir o formulário. Tente de novo.',
  expiredTrigger: 'O Slack deixou passar o tempo para abrir o formulário (3 segundos). Tente de novo.',
  whatToDo: 'O que fazer',
};

export type DocumentTexts = typeof PT;

const EN: DocumentTexts = {
  close: 'Cancel',
  required: 'Required.',
  summary: (what, total) => `*${what}* — ${total}`,
  draft: 'Draft',
  open: (amount) => `${amount} to pay`,
  credited: (amount) => `${amount} already cancelled`,
  credit: {
    title: 'Cancel document',
    submit: 'Cancel it',
    intro: "A credit note is issued in Moloni. The result arrives in the invoice's thread.",
    reason: 'Why it is cancelled',
    reasonHint: 'Printed on the credit note.',
    reasonPlaceholder: "Wrong customer's VAT number",
    lines: 'Lines to cancel (optional)',
    linesHint: "The invoice's line numbers, comma-separated (e.g. 1, 3). Empty = cancel everything.",
    badLines: 'Use line numbers from 1, comma-separated (e.g. 1, 3).',
    progress: "⏳ Cancelling the document… the result arrives in the invoice's thread.",
  },
  receipt: {
    title: 'Record payment',
    submit: 'Record',
    intro: "A receipt is issued in Moloni. The result arrives in the invoice's thread.",
    amount: 'Amount paid (€)',
    amountHint: 'Empty = the whole amount to pay.',
    amountPlaceholder: '10.00',
    badAmount: 'Invalid amount: use e.g. 10.00.',
    method: 'Payment method',
    date: 'Payment date',
    progress: "⏳ Recording the payment… the result arrives in the invoice's thread.",
  },
  email: {
    title: 'Send by e-mail',
    submit: 'Send',
    intro: "The invoice's PDF is sent by e-mail. The result arrives in the invoice's thread.",
    to: 'Send to',
    toHint: "Empty = the customer's e-mail given when the invoice was issued.",
    badEmail: 'Invalid e-mail: use e.g. ana@cliente.pt.',
    progress: "⏳ Sending by e-mail… the result arrives in the invoice's thread.",
  },
  finalize: {
    title: 'Finalize draft',
    submit: 'Finalize',
    intro:
      "The draft is closed in Moloni: it gets a certified number and can no longer be changed or deleted. The result arrives in the invoice's thread.",
    progress: "⏳ Finalizing the draft… the result arrives in the invoice's thread.",
  },
  invalidButton: 'This button is no longer valid.',
  notAllowed: 'You are not allowed to change invoices in this channel. Ask a Faturador administrator.',
  openFailed: 'I could not open the form. Try again.',
  expiredTrigger: 'Slack let the time to open the form pass (3 seconds). Try again.',
  whatToDo: 'What to do',
};

export function documentTexts(locale: Locale): DocumentTexts {
  return locale === 'en' ? EN : PT;
}
