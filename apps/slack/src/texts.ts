import type { VatRateKind } from '@faturador/core';
import type { Locale } from '@faturador/slack-web';

/** The rates of the bot's fiscal zone, for the texts that name them. */
export type ZoneRates = Record<VatRateKind, number>;

/** The bot's own words (the result and error messages live in @faturador/slack-web). */
const PT = {
  help: (rates: ZoneRates) =>
    [
      '*Emitir uma fatura com `/fatura`*',
      '• `/fatura` abre um formulário (cliente, NIF, linhas, tipo de documento, rascunho ou final).',
      `• \`/fatura <NIF|-> ["Nome do cliente"] <valor> <descrição…> [iva=${rates.normal}] [tipo=fr|ft|fs]\` emite já.`,
      `  Ex.: \`/fatura 509999999 10.00 mensalidade TheInventors\` ou \`/fatura - 12,50 almoço iva=${rates.intermediate}\`.`,
      `  \`-\` = consumidor final; o valor é com IVA (ponto ou vírgula); IVA ${rates.normal}% por omissão; fatura-recibo por omissão.`,
      '  Para um cliente novo, ponha o nome entre aspas: `/fatura 509999999 "Eduardo Costa" 10 mensalidade`.',
      '  Isento de IVA: `iva=0 isencao=M07` (o código do motivo de isenção da AT). Rascunho: `estado=rascunho`.',
      'O resultado aparece na conversa (thread) da mensagem "A emitir fatura…". Se algo falhar, o botão',
      '"Tentar novamente" reenvia o mesmo pedido: nunca é emitida uma segunda fatura.',
    ].join('\n'),
  notAllowed: 'Não tem permissão para emitir faturas neste canal. Fale com um administrador do Faturador.',
  usage: 'Use `/fatura <NIF|-> <valor> <descrição…>` ou `/fatura ajuda`.',
  badNif: (value: string) => `"${value}" não é um NIF nem \`-\` (consumidor final).`,
  badAmount: (value: string) => `"${value}" não é um valor: use por exemplo \`10.00\` ou \`10,00\`.`,
  missingDescription: 'Falta a descrição do artigo depois do valor.',
  badVat: (value: string, rates: ZoneRates) =>
    `"${value}" não é uma taxa de IVA: use \`iva=${rates.normal}\`, \`iva=${rates.intermediate}\` ou \`iva=${rates.reduced}\`.`,
  badType: (value: string) => `"${value}" não é um tipo: use \`tipo=fr\`, \`tipo=ft\` ou \`tipo=fs\`.`,
  badStatus: (value: string) => `"${value}" não é um estado: use \`estado=final\` ou \`estado=rascunho\`.`,
  unclosedQuote: 'Falta fechar as aspas do nome do cliente.',
  invalidRequest: 'O pedido não é válido:',
  cannotPost: (error: string) =>
    `Não consegui publicar neste canal (${error}). Convide o bot para o canal (\`/invite @Faturador\`) e tente de novo. Nada foi emitido.`,
  openModalFailed: 'Não consegui abrir o formulário. Tente de novo `/fatura`.',
  retryInvalid: 'Este botão já não é válido. Emita de novo com `/fatura`.',
  retryInFlight: 'Este pedido já está a ser reenviado.',
  retriedBy: (who: string) => `🔁 Reenviado por ${who}`,
  finalConsumer: 'Consumidor final',
  customerByNif: (nif: string) => `Cliente ${nif}`,
  modal: {
    title: 'Emitir fatura',
    submit: 'Emitir',
    close: 'Cancelar',
    intro: 'O resultado aparece na conversa da mensagem que o bot publica no canal.',
    customerName: 'Nome do cliente',
    customerNameHint: 'Vazio com NIF vazio = Consumidor final.',
    nif: 'NIF',
    nifHint: '9 dígitos. Vazio = consumidor final.',
    email: 'E-mail',
    address: 'Morada',
    line: (n: number) => `Linha ${n}`,
    addLine: '➕ Adicionar linha',
    product: 'Descrição',
    amount: 'Valor com IVA (€)',
    amountPlaceholder: '10,00',
    vat: 'IVA',
    exempt: '0% (isento)',
    exemption: 'Motivo de isenção (linhas a 0%)',
    exemptionHint: 'Obrigatório quando alguma linha é isenta de IVA.',
    exemptionRequired: 'Escolha o motivo de isenção das linhas a 0%.',
    documentType: 'Tipo de documento',
    status: 'Estado',
    final: 'Final (com número, certificado)',
    draft: 'Rascunho (fechar depois no Moloni)',
    required: 'Obrigatório.',
    badAmount: 'Valor inválido: use por exemplo 10,00.',
    lineIncomplete: 'Preencha a descrição e o valor desta linha.',
    notAllowed: 'Não tem permissão para emitir faturas.',
  },
};

export type BotTexts = typeof PT;

const EN: BotTexts = {
  help: (rates) =>
    [
      '*Issuing an invoice with `/fatura`*',
      '• `/fatura` opens a form (customer, VAT number, lines, document type, draft or final).',
      `• \`/fatura <NIF|-> ["Customer name"] <amount> <description…> [iva=${rates.normal}] [tipo=fr|ft|fs]\` issues at once.`,
      `  E.g. \`/fatura 509999999 10.00 mensalidade TheInventors\` or \`/fatura - 12,50 lunch iva=${rates.intermediate}\`.`,
      `  \`-\` = final consumer; the amount includes VAT (dot or comma); VAT ${rates.normal}% and invoice-receipt by default.`,
      '  For a new customer, put the name in quotes: `/fatura 509999999 "Eduardo Costa" 10 mensalidade`.',
      "  VAT-exempt: `iva=0 isencao=M07` (the tax authority's exemption code). Draft: `estado=rascunho`.",
      'The result arrives in the thread of the "Issuing invoice…" message. If something fails, the "Retry"',
      'button sends the same request again: a second invoice is never issued.',
    ].join('\n'),
  notAllowed: 'You are not allowed to issue invoices in this channel. Ask a Faturador administrator.',
  usage: 'Use `/fatura <NIF|-> <amount> <description…>` or `/fatura help`.',
  badNif: (value) => `"${value}" is neither a VAT number nor \`-\` (final consumer).`,
  badAmount: (value) => `"${value}" is not an amount: use e.g. \`10.00\` or \`10,00\`.`,
  missingDescription: 'The item description after the amount is missing.',
  badVat: (value, rates) =>
    `"${value}" is not a VAT rate: use \`iva=${rates.normal}\`, \`iva=${rates.intermediate}\` or \`iva=${rates.reduced}\`.`,
  badType: (value) => `"${value}" is not a type: use \`tipo=fr\`, \`tipo=ft\` or \`tipo=fs\`.`,
  badStatus: (value) => `"${value}" is not a status: use \`estado=final\` or \`estado=rascunho\` (draft).`,
  unclosedQuote: "The customer name's quotes are not closed.",
  invalidRequest: 'The request is not valid:',
  cannotPost: (error) =>
    `I could not post in this channel (${error}). Invite the bot (\`/invite @Faturador\`) and try again. Nothing was issued.`,
  openModalFailed: 'I could not open the form. Try `/fatura` again.',
  retryInvalid: 'This button is no longer valid. Issue again with `/fatura`.',
  retryInFlight: 'This request is already being sent again.',
  retriedBy: (who) => `🔁 Sent again by ${who}`,
  finalConsumer: 'Final consumer',
  customerByNif: (nif) => `Customer ${nif}`,
  modal: {
    title: 'Issue invoice',
    submit: 'Issue',
    close: 'Cancel',
    intro: "The result arrives in the thread of the bot's message in the channel.",
    customerName: 'Customer name',
    customerNameHint: 'Empty with an empty VAT number = final consumer.',
    nif: 'VAT number (NIF)',
    nifHint: '9 digits. Empty = final consumer.',
    email: 'E-mail',
    address: 'Address',
    line: (n) => `Line ${n}`,
    addLine: '➕ Add a line',
    product: 'Description',
    amount: 'Amount incl. VAT (€)',
    amountPlaceholder: '10.00',
    vat: 'VAT',
    exempt: '0% (exempt)',
    exemption: 'Exemption reason (0% lines)',
    exemptionHint: 'Required when a line is VAT-exempt.',
    exemptionRequired: 'Choose the exemption reason of the 0% lines.',
    documentType: 'Document type',
    status: 'Status',
    final: 'Final (numbered, certified)',
    draft: 'Draft (close it later in Moloni)',
    required: 'Required.',
    badAmount: 'Invalid amount: use e.g. 10.00.',
    lineIncomplete: 'Fill in both the description and the amount of this line.',
    notAllowed: 'You are not allowed to issue invoices.',
  },
};

export function botTexts(locale: Locale): BotTexts {
  return locale === 'en' ? EN : PT;
}
