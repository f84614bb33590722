import type { FiscalZone, VatRateKind } from '@faturador/core';
import type { Locale } from '@faturador/slack-web';
import type { Unreachable } from './reach.ts';

/** The rates of the bot's fiscal zone, for the texts that name them. */
export type ZoneRates = Record<VatRateKind, number>;

const PT_UNREACHABLE: Record<Unreachable, string> = {
  private: 'O Faturador não está neste canal privado.',
  not_member: 'O Faturador não está neste canal.',
  dm: 'O Faturador não pode escrever numa conversa direta entre pessoas.',
};
const EN_UNREACHABLE: Record<Unreachable, string> = {
  private: 'Faturador is not in this private channel.',
  not_member: 'Faturador is not in this channel.',
  dm: 'Faturador cannot write in a direct message between people.',
};

/** What the person can do when the bot cannot write there (never "invite the bot" in a DM). */
const PT_HINTS: Record<Unreachable, string> = {
  private:
    'O Faturador não está neste canal privado: convide-o (`/invite @Faturador`) ou use `/fatura` noutro canal.',
  not_member:
    'O Faturador não está neste canal: convide-o (`/invite @Faturador`) ou use `/fatura` noutro canal.',
  dm: 'O Faturador não pode escrever numa conversa direta entre pessoas: use `/fatura` num canal onde ele esteja, ou na sua conversa com o Faturador (Apps → Faturador).',
};
const EN_HINTS: Record<Unreachable, string> = {
  private:
    'Faturador is not in this private channel: invite it (`/invite @Faturador`) or use `/fatura` in another channel.',
  not_member:
    'Faturador is not in this channel: invite it (`/invite @Faturador`) or use `/fatura` in another channel.',
  dm: 'Faturador cannot write in a direct message between people: use `/fatura` in a channel it is in, or in your own conversation with Faturador (Apps → Faturador).',
};

/** The bot's own words (the result and error messages live in @faturador/slack-web). */
const PT = {
  help: (rates: ZoneRates, preview: boolean) =>
    [
      '*Emitir uma fatura com `/fatura`*',
      '• `/fatura` abre um formulário (cliente, NIF, linhas, tipo de documento, rascunho ou final).',
      `• \`/fatura <NIF|-> ["Nome do cliente"] <valor> <descrição…> [iva=${rates.normal}] [tipo=fr|ft|fs]\` ${preview ? 'mostra-lhe a fatura para confirmar (Emitir / Cancelar)' : 'emite já'}.`,
      `  Ex.: \`/fatura 509999999 10.00 mensalidade TheInventors\` ou \`/fatura - 12,50 almoço iva=${rates.intermediate}\`.`,
      `  \`-\` = consumidor final; o valor é com IVA (ponto ou vírgula); IVA ${rates.normal}% por omissão; fatura-recibo por omissão.`,
      '  Para um cliente novo, ponha o nome entre aspas: `/fatura 509999999 "Eduardo Costa" 10 mensalidade`.',
      '  Isento de IVA: `iva=0 isencao=M07` (o código do motivo de isenção da AT). Rascunho: `estado=rascunho`.',
      'O resultado aparece na conversa (thread) da mensagem "A emitir fatura…". Se algo falhar, o botão',
      '"Tentar novamente" reenvia o mesmo pedido: nunca é emitida uma segunda fatura.',
    ].join('\n'),
  notAllowed: 'Não tem permissão para emitir faturas neste canal. Fale com um administrador do Faturador.',
  /** OAuth mode: the workspace installed the app, but no operator has said which client issues for it. */
  notBound: (teamId: string) =>
    `Esta workspace ainda não está ligada a um cliente Faturador (${teamId}): nada foi emitido. Peça a um administrador do Faturador que a ligue.`,
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
  /** Why the bot cannot write where `/fatura` was used, and what the person can do about it. */
  unreachable: PT_HINTS,
  cannotPost: (reason: Unreachable, error: string) =>
    `${PT_HINTS[reason]} Nada foi emitido. (Slack: ${error})`,
  /** Posted in the requester's conversation with the bot, before the request's own message. */
  movedToDm: (reason: Unreachable) =>
    `${PT_UNREACHABLE[reason]} Por isso, esta fatura e o seu resultado ficam aqui, na sua conversa com o Faturador.`,
  resultInDm:
    'O Faturador não pode escrever aqui: a fatura e o resultado seguem na sua conversa com o Faturador.',
  openModalFailed: 'Não consegui abrir o formulário. Tente de novo `/fatura`.',
  expiredTrigger:
    'O Slack deixou passar o tempo para abrir o formulário (3 segundos). Tente de novo `/fatura`.',
  retryInvalid: 'Este botão já não é válido. Emita de novo com `/fatura`.',
  retryInFlight: 'Este pedido já está a ser reenviado.',
  retriedBy: (who: string) => `🔁 Reenviado por ${who}`,
  /** The private preview of `/fatura <text>`, confirmed with Emitir or dropped with Cancelar. */
  preview: {
    header: 'Confirmar fatura',
    intro: 'Só você vê esta pré-visualização. Nada foi emitido ainda.',
    fallback: (amount: string, customer: string) => `Confirme a fatura: ${amount} — ${customer}`,
    customer: 'Cliente',
    nif: 'NIF',
    documentType: 'Tipo de documento',
    status: 'Estado',
    final: 'Final (com número, certificado)',
    draft: 'Rascunho',
    zone: 'Zona fiscal',
    zones: { PT: 'Continente', 'PT-AC': 'Açores', 'PT-MA': 'Madeira' } satisfies Record<FiscalZone, string>,
    lines: 'Linhas',
    vatRate: (rate: number) => `IVA ${rate}%`,
    exempt: (code: string, law: string) => `IVA 0% — isento, ${code} (${law})`,
    vatTotal: 'IVA incluído',
    total: 'Total',
    issue: 'Emitir',
    cancel: 'Cancelar',
    issuing: '⏳ A emitir… o resultado aparece na conversa da mensagem no canal.',
    cancelled: 'Cancelado: nada foi emitido.',
    notYours: (who: string) => `Só ${who}, que pediu esta fatura, a pode emitir ou cancelar.`,
    invalid: 'Esta pré-visualização já não é válida. Use de novo `/fatura`.',
    expired: 'Esta pré-visualização expirou. Use de novo `/fatura`.',
    used: 'Esta pré-visualização já foi usada: a fatura já foi emitida ou cancelada.',
  },
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
  help: (rates, preview) =>
    [
      '*Issuing an invoice with `/fatura`*',
      '• `/fatura` opens a form (customer, VAT number, lines, document type, draft or final).',
      `• \`/fatura <NIF|-> ["Customer name"] <amount> <description…> [iva=${rates.normal}] [tipo=fr|ft|fs]\` ${preview ? 'shows you the invoice to confirm (Issue / Cancel)' : 'issues at once'}.`,
      `  E.g. \`/fatura 509999999 10.00 mensalidade TheInventors\` or \`/fatura - 12,50 lunch iva=${rates.intermediate}\`.`,
      `  \`-\` = final consumer; the amount includes VAT (dot or comma); VAT ${rates.normal}% and invoice-receipt by default.`,
      '  For a new customer, put the name in quotes: `/fatura 509999999 "Eduardo Costa" 10 mensalidade`.',
      "  VAT-exempt: `iva=0 isencao=M07` (the tax authority's exemption code). Draft: `estado=rascunho`.",
      'The result arrives in the thread of the "Issuing invoice…" message. If something fails, the "Retry"',
      'button sends the same request again: a second invoice is never issued.',
    ].join('\n'),
  notAllowed: 'You are not allowed to issue invoices in this channel. Ask a Faturador administrator.',
  notBound: (teamId: string) =>
    `This workspace is not linked to a Faturador client yet (${teamId}): nothing was issued. Ask a Faturador administrator to link it.`,
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
  unreachable: EN_HINTS,
  cannotPost: (reason, error) => `${EN_HINTS[reason]} Nothing was issued. (Slack: ${error})`,
  movedToDm: (reason) =>
    `${EN_UNREACHABLE[reason]} So this invoice and its result stay here, in your conversation with Faturador.`,
  resultInDm:
    'Faturador cannot write here: the invoice and its result follow in your conversation with Faturador.',
  openModalFailed: 'I could not open the form. Try `/fatura` again.',
  expiredTrigger: 'Slack let the time to open the form pass (3 seconds). Try `/fatura` again.',
  retryInvalid: 'This button is no longer valid. Issue again with `/fatura`.',
  retryInFlight: 'This request is already being sent again.',
  retriedBy: (who) => `🔁 Sent again by ${who}`,
  preview: {
    header: 'Confirm the invoice',
    intro: 'Only you can see this preview. Nothing has been issued yet.',
    fallback: (amount, customer) => `Confirm the invoice: ${amount} — ${customer}`,
    customer: 'Customer',
    nif: 'VAT number',
    documentType: 'Document type',
    status: 'Status',
    final: 'Final (numbered, certified)',
    draft: 'Draft',
    zone: 'Fiscal zone',
    zones: { PT: 'Mainland', 'PT-AC': 'Azores', 'PT-MA': 'Madeira' },
    lines: 'Lines',
    vatRate: (rate) => `VAT ${rate}%`,
    exempt: (code, law) => `VAT 0% — exempt, ${code} (${law})`,
    vatTotal: 'VAT included',
    total: 'Total',
    issue: 'Issue',
    cancel: 'Cancel',
    issuing: "⏳ Issuing… the result arrives in the thread of the bot's message in the channel.",
    cancelled: 'Cancelled: nothing was issued.',
    notYours: (who) => `Only ${who}, who asked for this invoice, can issue or cancel it.`,
    invalid: 'This preview is no longer valid. Use `/fatura` again.',
    expired: 'This preview has expired. Use `/fatura` again.',
    used: 'This preview was already used: the invoice was issued or cancelled.',
  },
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
