import type { ErrorCode } from './errors.ts';

/**
 * What each error code means for a person, in European Portuguese and English: one table keyed by
 * code, read by the Slack bot and its deliveries (title and action), the Airtable write-back and
 * the backoffice (the title). Programs read the code and the English message instead.
 */
/**
 * Not codes of the API: a client (the Slack bot, the Airtable extension) could not get any answer
 * from it (`API_UNREACHABLE`), or gave up waiting for one (`API_TIMEOUT`).
 */
export type ProblemCode = ErrorCode | 'API_UNREACHABLE' | 'API_TIMEOUT';

export interface Explanation {
  /** What went wrong, in plain words. */
  title: string;
  /** What the person should do now. */
  action: string;
}

type ExplanationTable = Record<ProblemCode, Explanation>;

export const PT_PROBLEMS: ExplanationTable = {
  VALIDATION_ERROR: {
    title: 'Os dados da fatura não são válidos.',
    action: 'Corrija o que está indicado abaixo e emita de novo com `/fatura`.',
  },
  AUTH_ERROR: {
    title: 'O bot não conseguiu autenticar-se na API de faturação.',
    action: 'Peça a um administrador para verificar as credenciais da API configuradas no bot.',
  },
  IP_NOT_ALLOWED: {
    title: 'O endereço IP do bot não está autorizado a usar a chave da API.',
    action: 'Peça a um administrador para autorizar o IP do bot na chave da API.',
  },
  IDEMPOTENCY_CONFLICT: {
    title: 'Este pedido já tinha sido enviado com dados diferentes.',
    action: 'Nada foi emitido em duplicado. Emita um pedido novo com `/fatura`.',
  },
  MOLONI_BUSINESS_ERROR: {
    title: 'O Moloni recusou o documento.',
    action:
      'Leia a mensagem do Moloni abaixo (cliente, artigo, série, taxa de IVA), corrija no Moloni e tente novamente.',
  },
  CUSTOMER_AMBIGUOUS: {
    title: 'Há vários clientes no Moloni com este NIF e nenhum tem este nome.',
    action:
      'Use o nome exato do cliente no Moloni, ou junte os clientes duplicados no Moloni, e emita de novo.',
  },
  MOLONI_BAD_GATEWAY: {
    title: 'O Moloni deu uma resposta inválida.',
    action: 'Tente novamente: a mesma fatura nunca é emitida duas vezes.',
  },
  MOLONI_UNAVAILABLE: {
    title: 'O Moloni está indisponível neste momento.',
    action: 'Tente novamente dentro de alguns minutos: a fatura nunca é emitida duas vezes.',
  },
  MOLONI_TIMEOUT: {
    title: 'O Moloni demorou demasiado a responder.',
    action: 'Tente novamente: se a fatura já foi emitida, recebe essa mesma, nunca uma segunda.',
  },
  REFERENCE_ALREADY_ISSUED: {
    title: 'Já existe uma fatura emitida com esta referência.',
    action: 'Procure essa fatura no Moloni: não é preciso emitir outra.',
  },
  DUPLICATE_DOCUMENTS: {
    title: 'O Moloni tem mais de uma fatura fechada com esta referência.',
    action:
      'Nada mais foi emitido. Um administrador foi alertado: as faturas a mais anulam-se com nota de crédito.',
  },
  NOT_FOUND: {
    title: 'A API de faturação não encontrou o pedido.',
    action: 'Emita de novo com `/fatura`; se persistir, contacte o suporte com o código do pedido.',
  },
  PAYLOAD_TOO_LARGE: {
    title: 'O pedido é demasiado grande.',
    action: 'Reduza o número de linhas ou o tamanho dos textos e emita de novo.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    title: 'A API de faturação não aceitou o formato do pedido.',
    action: 'Contacte o suporte com o código do pedido.',
  },
  RATE_LIMITED: {
    title: 'Foram feitos demasiados pedidos à API de faturação.',
    action: 'Aguarde um minuto e tente novamente.',
  },
  TOTAL_MISMATCH: {
    title: 'O total calculado pelo Moloni não coincide com o pedido: o documento ficou em rascunho.',
    action: 'Reveja o rascunho no Moloni e feche-o lá se estiver correto.',
  },
  TOTAL_UNREACHABLE: {
    title:
      'Com o método de cálculo desta empresa, o Moloni não consegue chegar a este valor: nada foi emitido.',
    action: 'Ajuste o valor da linha indicada para um dos valores mais próximos sugeridos e envie de novo.',
  },
  CONNECTION_NOT_CONFIGURED: {
    title: 'Não há uma conta Moloni ligada a este bot.',
    action: 'Peça a um administrador para ligar uma conta Moloni ao cliente da API do bot.',
  },
  MOLONI_CONNECTION_FAILED: {
    title:
      'A ligação ao Moloni não funciona como está configurada (servidor desconhecido ou credenciais recusadas).',
    action: 'Peça a um administrador para corrigir a ligação Moloni; depois o pedido pode ser repetido.',
  },
  REQUEST_NOT_RETRYABLE: {
    title: 'Este pedido não pode ser repetido no estado em que está.',
    action: 'Consulte o pedido no backoffice.',
  },
  DOCUMENT_FINAL: {
    title: 'O documento já está finalizado e não pode ser apagado nem finalizado de novo.',
    action: 'Para o anular, emita uma nota de crédito (botão Anular).',
  },
  DOCUMENT_NOT_FINAL: {
    title: 'O documento ainda é um rascunho.',
    action: 'Finalize-o primeiro (botão Finalizar).',
  },
  DOCUMENT_ALREADY_PAID: {
    title: 'O documento já está pago: não há recibo a emitir.',
    action: 'Nada a fazer; os recibos só se emitem para faturas (FT) em dívida.',
  },
  CREDIT_EXCEEDS_REMAINING: {
    title: 'O valor a creditar é maior do que o que falta anular no documento: nada foi emitido.',
    action: 'Reduza as quantidades ou o valor e envie de novo.',
  },
  AMOUNT_EXCEEDS_OPEN: {
    title: 'O pagamento é maior do que o valor em dívida da fatura: nada foi emitido.',
    action: 'Indique um valor até ao valor em dívida.',
  },
  INVOICEXPRESS_BUSINESS_ERROR: {
    title: 'O InvoiceXpress recusou o documento.',
    action:
      'Leia a mensagem do InvoiceXpress abaixo (cliente, artigo, sequência, imposto, datas), corrija no InvoiceXpress e tente novamente.',
  },
  INVOICEXPRESS_BAD_GATEWAY: {
    title: 'O InvoiceXpress deu uma resposta inválida.',
    action: 'Tente novamente: a mesma fatura nunca é emitida duas vezes.',
  },
  INVOICEXPRESS_UNAVAILABLE: {
    title: 'O InvoiceXpress está indisponível ou a limitar pedidos neste momento.',
    action: 'Tente novamente dentro de alguns minutos: a fatura nunca é emitida duas vezes.',
  },
  INVOICEXPRESS_TIMEOUT: {
    title: 'O InvoiceXpress demorou demasiado a responder.',
    action: 'Tente novamente: se a fatura já foi emitida, recebe essa mesma, nunca uma segunda.',
  },
  INVOICEXPRESS_CONNECTION_FAILED: {
    title:
      'A ligação ao InvoiceXpress não funciona como está configurada (chave da API recusada ou conta inexistente).',
    action:
      'Copie de novo a chave da API em Definições → Integrações → API, sem espaços a mais, e indique só o subdomínio da conta (o nome antes de .invoicexpress.com, não o endereço completo).',
  },
  EMAIL_NOT_CONFIGURED: {
    title: 'O envio de e-mails não está configurado neste serviço.',
    action: 'Peça a um administrador para configurar o servidor de e-mail (SMTP); nada foi enviado.',
  },
  EMAIL_REFUSED: {
    title: 'O servidor de e-mail recusou a mensagem ou o destinatário: nada foi enviado.',
    action: 'Verifique o endereço de e-mail e envie de novo.',
  },
  EMAIL_UNAVAILABLE: {
    title: 'O servidor de e-mail está temporariamente indisponível: nada foi enviado.',
    action: 'Tente novamente dentro de momentos.',
  },
  EMAIL_IN_DOUBT: {
    title:
      'Não é possível saber se o e-mail foi enviado: a ligação ao servidor de e-mail caiu no fim do envio.',
    action: 'Confirme com o cliente se o recebeu; para o enviar de novo, peça um novo envio.',
  },
  SERVICE_UNAVAILABLE: {
    title: 'O serviço de faturação está temporariamente indisponível.',
    action: 'Tente novamente dentro de momentos: nada foi emitido.',
  },
  INTERNAL_ERROR: {
    title: 'Ocorreu um erro inesperado no serviço de faturação.',
    action: 'Tente novamente; se persistir, contacte o suporte com o código do pedido.',
  },
  API_UNREACHABLE: {
    title: 'Não foi possível contactar a API de faturação.',
    action:
      'Tente novamente: se o pedido já lá tinha chegado, recebe o mesmo resultado, nunca uma segunda fatura.',
  },
  API_TIMEOUT: {
    title: 'A API de faturação não respondeu a tempo: o pedido pode ainda estar a ser emitido.',
    action: 'Tente novamente: se a fatura já foi emitida, recebe essa mesma, nunca uma segunda.',
  },
};

export const EN_PROBLEMS: ExplanationTable = {
  VALIDATION_ERROR: {
    title: 'The invoice data is not valid.',
    action: 'Fix what is listed below and issue it again with `/fatura`.',
  },
  AUTH_ERROR: {
    title: 'The bot could not authenticate with the billing API.',
    action: "Ask an administrator to check the bot's API credentials.",
  },
  IP_NOT_ALLOWED: {
    title: "The bot's IP address is not allowed to use the API key.",
    action: "Ask an administrator to allow the bot's IP on the API key.",
  },
  IDEMPOTENCY_CONFLICT: {
    title: 'This request was already sent with different data.',
    action: 'Nothing was issued twice. Issue a new request with `/fatura`.',
  },
  MOLONI_BUSINESS_ERROR: {
    title: 'Moloni rejected the document.',
    action: "Read Moloni's message below (customer, product, series, VAT rate), fix it in Moloni and retry.",
  },
  CUSTOMER_AMBIGUOUS: {
    title: 'Several Moloni customers have this VAT number and none has this name.',
    action: "Use the customer's exact name in Moloni, or merge the duplicates in Moloni, and issue again.",
  },
  MOLONI_BAD_GATEWAY: {
    title: 'Moloni gave an invalid answer.',
    action: 'Retry: the same invoice is never issued twice.',
  },
  MOLONI_UNAVAILABLE: {
    title: 'Moloni is unavailable right now.',
    action: 'Retry in a few minutes: the invoice is never issued twice.',
  },
  MOLONI_TIMEOUT: {
    title: 'Moloni took too long to answer.',
    action: 'Retry: if the invoice was already issued you get that one, never a second.',
  },
  REFERENCE_ALREADY_ISSUED: {
    title: 'An invoice with this reference was already issued.',
    action: 'Look that invoice up in Moloni: there is no need to issue another.',
  },
  DUPLICATE_DOCUMENTS: {
    title: 'Moloni holds more than one closed invoice with this reference.',
    action:
      'Nothing more was issued. An administrator was alerted: the extra invoices are cancelled with a credit note.',
  },
  NOT_FOUND: {
    title: 'The billing API did not find the request.',
    action: 'Issue it again with `/fatura`; if this persists, contact support with the request id.',
  },
  PAYLOAD_TOO_LARGE: {
    title: 'The request is too large.',
    action: 'Use fewer lines or shorter texts and issue again.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    title: 'The billing API did not accept the request format.',
    action: 'Contact support with the request id.',
  },
  RATE_LIMITED: {
    title: 'Too many requests were sent to the billing API.',
    action: 'Wait a minute and retry.',
  },
  TOTAL_MISMATCH: {
    title: "Moloni's total does not match the request: the document was left as a draft.",
    action: 'Review the draft in Moloni and close it there if it is right.',
  },
  TOTAL_UNREACHABLE: {
    title: "With this company's calculation method Moloni cannot reach this amount: nothing was issued.",
    action: 'Change the named line to one of the nearest amounts suggested and send it again.',
  },
  CONNECTION_NOT_CONFIGURED: {
    title: 'No Moloni account is connected to this bot.',
    action: "Ask an administrator to connect a Moloni account to the bot's API client.",
  },
  MOLONI_CONNECTION_FAILED: {
    title: 'The Moloni connection does not work as configured (unknown host or credentials refused).',
    action: 'Ask an administrator to fix the Moloni connection; the request can then be retried.',
  },
  REQUEST_NOT_RETRYABLE: {
    title: 'This request cannot be retried in its current state.',
    action: 'Look the request up in the backoffice.',
  },
  DOCUMENT_FINAL: {
    title: 'The document is final: it cannot be deleted or finalized again.',
    action: 'To cancel it, issue a credit note (Cancel button).',
  },
  DOCUMENT_NOT_FINAL: {
    title: 'The document is still a draft.',
    action: 'Finalize it first (Finalize button).',
  },
  DOCUMENT_ALREADY_PAID: {
    title: 'The document is already paid: there is no receipt to issue.',
    action: 'Nothing to do; receipts are for invoices (FT) with an open amount.',
  },
  CREDIT_EXCEEDS_REMAINING: {
    title: 'More than what remains uncredited was asked: nothing was issued.',
    action: 'Lower the quantities or the amount and send again.',
  },
  AMOUNT_EXCEEDS_OPEN: {
    title: "The payment is larger than the invoice's open amount: nothing was issued.",
    action: 'Enter an amount up to the open amount.',
  },
  INVOICEXPRESS_BUSINESS_ERROR: {
    title: 'InvoiceXpress rejected the document.',
    action:
      "Read InvoiceXpress's message below (client, item, sequence, tax, dates), fix it in InvoiceXpress and retry.",
  },
  INVOICEXPRESS_BAD_GATEWAY: {
    title: 'InvoiceXpress gave an invalid answer.',
    action: 'Retry: the same invoice is never issued twice.',
  },
  INVOICEXPRESS_UNAVAILABLE: {
    title: 'InvoiceXpress is unavailable or throttling requests right now.',
    action: 'Retry in a few minutes: the invoice is never issued twice.',
  },
  INVOICEXPRESS_TIMEOUT: {
    title: 'InvoiceXpress took too long to answer.',
    action: 'Retry: if the invoice was already issued you get that one, never a second.',
  },
  INVOICEXPRESS_CONNECTION_FAILED: {
    title: 'The InvoiceXpress connection does not work as configured (API key refused or no such account).',
    action:
      "Copy the API key again from Settings → Integrations → API, with no extra spaces, and give only the account's subdomain (the name before .invoicexpress.com, not the full address).",
  },
  EMAIL_NOT_CONFIGURED: {
    title: 'Sending e-mail is not configured on this service.',
    action: 'Ask an administrator to configure the mail (SMTP) server; nothing was sent.',
  },
  EMAIL_REFUSED: {
    title: 'The mail server refused the message or its recipient: nothing was sent.',
    action: 'Check the e-mail address and send again.',
  },
  EMAIL_UNAVAILABLE: {
    title: 'The mail server is temporarily unavailable: nothing was sent.',
    action: 'Retry in a moment.',
  },
  EMAIL_IN_DOUBT: {
    title: 'Whether the e-mail was sent is unknown: the connection to the mail server dropped at the end.',
    action: 'Check with the customer whether it arrived; to send it again, ask for a new sending.',
  },
  SERVICE_UNAVAILABLE: {
    title: 'The billing service is temporarily unavailable.',
    action: 'Retry in a moment: nothing was issued.',
  },
  INTERNAL_ERROR: {
    title: 'The billing service hit an unexpected error.',
    action: 'Retry; if this persists, contact support with the request id.',
  },
  API_UNREACHABLE: {
    title: 'The billing API could not be reached.',
    action: 'Retry: if the request had already arrived you get the same result, never a second invoice.',
  },
  API_TIMEOUT: {
    title: 'The billing API did not answer in time: the request may still be being issued.',
    action: 'Retry: if the invoice was already issued you get that one, never a second.',
  },
};

/**
 * Where the person reads the text. The tables above speak to Slack's users (the bot, `/fatura`);
 * an Airtable base's users work with a record, the extension's settings and a record-trigger key,
 * so the codes whose words depend on that are worded again here, by code. Anything not here reads
 * as above.
 */
export type TextChannel = 'slack' | 'airtable';

const AIRTABLE_PT: Partial<ExplanationTable> = {
  VALIDATION_ERROR: {
    title: 'Os dados do registo não são válidos.',
    action: 'Corrija os campos indicados no registo e emita de novo.',
  },
  AUTH_ERROR: {
    title: 'A chave de acionamento não foi aceite pelo Faturador.',
    action: 'Peça a quem administra a base para rever o Client ID, a API key e o segredo nas definições.',
  },
  IP_NOT_ALLOWED: {
    title: 'O Faturador recusou o pedido: o endereço de origem não está autorizado para esta chave.',
    action: 'Peça a um administrador do Faturador para rever a lista de IPs da chave.',
  },
  IDEMPOTENCY_CONFLICT: {
    title: 'Este registo foi enviado antes com outros dados e esse pedido ainda não terminou.',
    action: 'Aguarde o resultado do primeiro pedido e volte a tentar.',
  },
  NOT_FOUND: {
    title: 'Esta base ou este registo não estão configurados no Faturador.',
    action: 'Peça a um administrador do Faturador para configurar a base (tabela e cliente da API).',
  },
  RATE_LIMITED: {
    title: 'O Airtable ou o Faturador pediram para abrandar.',
    action: 'A extensão aguarda e tenta de novo sozinha; se persistir, tente daqui a um minuto.',
  },
  CONNECTION_NOT_CONFIGURED: {
    title: 'O Faturador não consegue usar esta base ou a conta Moloni: a configuração tem de ser revista.',
    action: 'Peça a um administrador para rever o token da base e a ligação Moloni do cliente da API.',
  },
  SERVICE_UNAVAILABLE: {
    title: 'O Faturador ou o Airtable estão temporariamente indisponíveis.',
    action: 'Tente novamente dentro de momentos: nada foi emitido.',
  },
  DOCUMENT_NOT_FINAL: {
    title: 'O documento deste registo ainda é um rascunho.',
    action:
      'Finalize o rascunho no Moloni (ou pela API de faturação) antes de o anular ou de registar um pagamento.',
  },
};

const AIRTABLE_EN: Partial<ExplanationTable> = {
  VALIDATION_ERROR: {
    title: "The record's data is not valid.",
    action: "Fix the record's fields named and issue it again.",
  },
  AUTH_ERROR: {
    title: 'Faturador did not accept the record-trigger key.',
    action:
      "Ask whoever runs the base to check the client id, API key and secret in the extension's settings.",
  },
  IP_NOT_ALLOWED: {
    title: 'Faturador refused the request: its source address is not allowed for this key.',
    action: "Ask a Faturador administrator to check the key's IP allowlist.",
  },
  IDEMPOTENCY_CONFLICT: {
    title: 'This record was sent before with other data, and that request has not finished.',
    action: 'Wait for the first request to finish and try again.',
  },
  NOT_FOUND: {
    title: 'This base or this record is not set up in Faturador.',
    action: 'Ask a Faturador administrator to set the base up (table and API client).',
  },
  RATE_LIMITED: {
    title: 'Airtable or Faturador asked to slow down.',
    action: 'The extension waits and tries again by itself; if this persists, try in a minute.',
  },
  CONNECTION_NOT_CONFIGURED: {
    title: 'Faturador cannot use this base or the Moloni account: the setup must be checked.',
    action: "Ask an administrator to check the base's token and the API client's Moloni connection.",
  },
  SERVICE_UNAVAILABLE: {
    title: 'Faturador or Airtable is temporarily unavailable.',
    action: 'Retry in a moment: nothing was issued.',
  },
  DOCUMENT_NOT_FINAL: {
    title: "This record's document is still a draft.",
    action:
      'Finalize the draft in Moloni (or through the billing API) before cancelling it or recording a payment.',
  },
};

export type TextLocale = 'pt' | 'en';

/** What an error means and what to do, in the reader's language (an unknown code reads as INTERNAL_ERROR's). */
export function explainError(
  code: string,
  locale: TextLocale = 'pt',
  channel: TextChannel = 'slack',
): Explanation {
  if (channel === 'airtable') {
    const words = locale === 'en' ? AIRTABLE_EN : AIRTABLE_PT;
    const own = Object.hasOwn(words, code) ? words[code as ProblemCode] : undefined;
    if (own) return own;
  }
  const table = locale === 'en' ? EN_PROBLEMS : PT_PROBLEMS;
  return Object.hasOwn(table, code) ? table[code as ProblemCode] : table.INTERNAL_ERROR;
}
