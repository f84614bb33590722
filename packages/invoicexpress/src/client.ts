import { setTimeout as sleep } from 'node:timers/promises';
import { FaturadorError } from '@faturador/core';
import type { z } from 'zod';
import { accountBaseUrl, normalizeAccount, normalizeApiKey, PRODUCTION_BASE_URL } from './account.ts';
import { type CallKind, invalidBody } from './errors.ts';
import { type AccountRateLimiter, createMemoryLimiter } from './limiter.ts';
import {
  DEFAULT_RETRY,
  DEFAULT_TIMEOUTS,
  type IxCallObserver,
  type IxLogger,
  type IxRetryPolicy,
  type IxTimeouts,
  IxTransport,
  silentLogger,
} from './transport.ts';
import {
  clientSchema,
  documentSchema,
  type IxClient,
  type IxClientInput,
  type IxDocument,
  type IxDocumentInput,
  type IxDocumentType,
  type IxEmailInput,
  type IxPagination,
  type IxPaymentInput,
  type IxSequence,
  type IxStateChange,
  type IxStatusFilter,
  type IxTax,
  KIND_OF,
  paginationSchema,
  SINGULAR,
  sequenceSchema,
  taxSchema,
  toIxDate,
} from './types.ts';

export interface InvoiceXpressClientOptions {
  /** The subdomain; a pasted URL of InvoiceXpress is reduced to it, anything else refused. */
  account: string;
  apiKey: string;
  /** With `{account}`; default `https://{account}.app.invoicexpress.com` (a sandbox: its baseUrlTemplate). */
  baseUrl?: string;
  /** Shared by every client of the account; default: one in-memory limiter per client. */
  limiter?: AccountRateLimiter;
  timeouts?: Partial<IxTimeouts>;
  retry?: Partial<IxRetryPolicy>;
  logger?: IxLogger;
  /** Told of every call (a request's timeline of calls). */
  onCall?: IxCallObserver;
}

export interface ListFilter {
  /** The documented `reference` filter; matches are re-checked here to be exact. */
  reference?: string;
  text?: string;
  /** `Invoice`, `InvoiceReceipt`, `SimplifiedInvoice`, `CreditNote`, `Receipt`. */
  types?: string[];
  statuses?: IxStatusFilter[];
  /** ISO dates. */
  dateFrom?: string;
  dateTo?: string;
  page?: number;
  perPage?: number;
}

export interface PdfOptions {
  /** The time allowed for generation, polls included (default 10 s). */
  budgetMs?: number;
  /** First wait between polls, doubled up to 2 s (default 250 ms). */
  pollMs?: number;
  secondCopy?: boolean;
}

function decode<S extends z.ZodType>(
  schema: S,
  value: unknown,
  endpoint: string,
  kind: CallKind,
  status: number,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidBody(endpoint, status, kind, 'the expected fields');
  return parsed.data;
}

function pick(body: unknown, key: string): unknown {
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
}

function itemsBody(items: IxDocumentInput['items']): Array<Record<string, unknown>> {
  return items.map((item) => ({
    ...item,
    unit_price: String(item.unit_price),
    quantity: String(item.quantity),
    ...(item.discount === undefined ? {} : { discount: String(item.discount) }),
  }));
}

/** Our input as InvoiceXpress takes it: `dd/mm/yyyy` dates, ids and numbers as strings. */
function documentBody(input: Partial<IxDocumentInput>): Record<string, unknown> {
  return {
    ...input,
    ...(input.date === undefined ? {} : { date: toIxDate(input.date) }),
    ...(input.due_date === undefined ? {} : { due_date: toIxDate(input.due_date) }),
    ...(input.sequence_id === undefined ? {} : { sequence_id: String(input.sequence_id) }),
    ...(input.owner_invoice_id === undefined ? {} : { owner_invoice_id: String(input.owner_invoice_id) }),
    ...(input.items === undefined ? {} : { items: itemsBody(input.items) }),
  };
}

/**
 * The InvoiceXpress API v2 client of one account. Reads are retried on transient failures; a
 * write is sent once (a 429 is waited out, since it applied nothing), and a write whose answer
 * never came fails with `details.outcome: "unknown"`: call `findByReference` before writing again.
 */
export class InvoiceXpressClient {
  readonly account: string;
  /** The input, when the account was given as a URL or host and reduced to its subdomain. */
  readonly accountCorrectedFrom: string | null;
  private readonly transport: IxTransport;

  constructor(options: InvoiceXpressClientOptions) {
    const { account, correctedFrom } = normalizeAccount(options.account);
    this.account = account;
    this.accountCorrectedFrom = correctedFrom;
    this.transport = new IxTransport(
      accountBaseUrl(options.baseUrl ?? PRODUCTION_BASE_URL, account),
      account,
      normalizeApiKey(options.apiKey),
      options.limiter ?? createMemoryLimiter(),
      { ...DEFAULT_TIMEOUTS, ...options.timeouts },
      { ...DEFAULT_RETRY, ...options.retry },
      options.logger ?? silentLogger,
      options.onCall,
    );
  }

  /** The cheapest authenticated read (one client row), as integrations probe an account. */
  async probe(): Promise<void> {
    await this.transport.call('GET', 'clients.json', {
      endpoint: 'clients/list',
      kind: 'read',
      query: { per_page: 1 },
    });
  }

  // Clients

  findClientByCode(code: string): Promise<IxClient | null> {
    return this.readClient('clients/find-by-code.json', 'clients/find-by-code', { client_code: code });
  }

  findClientByName(name: string): Promise<IxClient | null> {
    return this.readClient('clients/find-by-name.json', 'clients/find-by-name', { client_name: name });
  }

  getClient(id: number): Promise<IxClient | null> {
    return this.readClient(`clients/${id}.json`, 'clients/get', {});
  }

  /**
   * Clients with this NIF. No lookup by NIF is documented: the list is asked with `fiscal_id`
   * (honoured or not) and every row is checked here, page by page up to `maxPages`.
   */
  async findClientsByFiscalId(fiscalId: string, maxPages = 20): Promise<IxClient[]> {
    const found: IxClient[] = [];
    for (let page = 1; page <= maxPages; page++) {
      const answer = await this.transport.call('GET', 'clients.json', {
        endpoint: 'clients/list',
        kind: 'read',
        query: { fiscal_id: fiscalId, page, per_page: 100 },
      });
      const rows = pick(answer?.body, 'clients');
      const clients = decode(clientSchema.array(), rows ?? [], 'clients/list', 'read', answer?.status ?? 0);
      found.push(...clients.filter((client) => client.fiscal_id === fiscalId));
      const pagination = paginationSchema.safeParse(pick(answer?.body, 'pagination'));
      if (!pagination.success || page >= pagination.data.total_pages) break;
    }
    return found;
  }

  async createClient(input: IxClientInput): Promise<IxClient> {
    const answer = await this.transport.call('POST', 'clients.json', {
      endpoint: 'clients/create',
      kind: 'write',
      body: { client: input },
    });
    return decode(clientSchema, pick(answer?.body, 'client'), 'clients/create', 'write', answer?.status ?? 0);
  }

  /** The update's answer body is not documented: the record is read back when it has none. */
  async updateClient(id: number, input: IxClientInput): Promise<IxClient> {
    const answer = await this.transport.call('PUT', `clients/${id}.json`, {
      endpoint: 'clients/update',
      kind: 'write',
      body: { client: input },
    });
    const client = pick(answer?.body, 'client');
    if (client !== undefined)
      return decode(clientSchema, client, 'clients/update', 'write', answer?.status ?? 0);
    const read = await this.getClient(id);
    if (!read) throw invalidBody('clients/update', answer?.status ?? 0, 'write', 'the client');
    return read;
  }

  // Taxes and sequences

  async taxes(): Promise<IxTax[]> {
    const answer = await this.transport.call('GET', 'taxes.json', { endpoint: 'taxes/list', kind: 'read' });
    return decode(taxSchema.array(), pick(answer?.body, 'taxes'), 'taxes/list', 'read', answer?.status ?? 0);
  }

  /** The account's tax of that name (names are the account's own: `IVA23`, `Isento`, `PT23`…). */
  async taxByName(name: string): Promise<IxTax | null> {
    return (await this.taxes()).find((tax) => tax.name === name) ?? null;
  }

  /** The account's tax of that rate in that region (`PT`, `PT-AC`, `PT-MA`). */
  async taxFor(rate: number, region = 'PT'): Promise<IxTax | null> {
    const taxes = (await this.taxes()).filter((tax) => tax.value === rate && tax.region === region);
    return taxes.find((tax) => tax.default_tax) ?? taxes[0] ?? null;
  }

  async sequences(): Promise<IxSequence[]> {
    const answer = await this.transport.call('GET', 'sequences.json', {
      endpoint: 'sequences/list',
      kind: 'read',
    });
    return decode(
      sequenceSchema.array(),
      pick(answer?.body, 'sequences'),
      'sequences/list',
      'read',
      answer?.status ?? 0,
    );
  }

  /** The series by name, or the default series when no name is given. */
  async sequence(serie?: string): Promise<IxSequence | null> {
    const all = await this.sequences();
    return (
      (serie === undefined
        ? all.find((row) => row.default_sequence)
        : all.find((row) => row.serie === serie)) ?? null
    );
  }

  // Documents

  /**
   * Creates a draft. `proprietaryUid` is sent as InvoiceXpress's idempotency hint; its handling of
   * repeats is undocumented, so it never replaces `findByReference` after an unknown outcome.
   */
  async createDocument(
    type: IxDocumentType,
    input: IxDocumentInput,
    options: { proprietaryUid?: string } = {},
  ): Promise<IxDocument> {
    const endpoint = `${type}/create`;
    const answer = await this.transport.call('POST', `${type}.json`, {
      endpoint,
      kind: 'write',
      body: {
        invoice: documentBody(input),
        ...(options.proprietaryUid ? { proprietary_uid: options.proprietaryUid } : {}),
      },
    });
    return this.documentOf(type, answer?.body, endpoint, 'write', answer?.status ?? 0);
  }

  async getDocument(type: IxDocumentType, id: number): Promise<IxDocument | null> {
    const endpoint = `${type}/get`;
    const answer = await this.transport.call('GET', `${type}/${id}.json`, {
      endpoint,
      kind: 'read',
      notFoundIsNull: true,
    });
    return answer ? this.documentOf(type, answer.body, endpoint, 'read', answer.status) : null;
  }

  /** Edits a draft (InvoiceXpress refuses edits of final documents). */
  async updateDocument(
    type: IxDocumentType,
    id: number,
    input: Partial<IxDocumentInput>,
  ): Promise<IxDocument> {
    const endpoint = `${type}/update`;
    const answer = await this.transport.call('PUT', `${type}/${id}.json`, {
      endpoint,
      kind: 'write',
      body: { invoice: documentBody(input) },
    });
    if (answer?.body) return this.documentOf(type, answer.body, endpoint, 'write', answer.status);
    const read = await this.getDocument(type, id);
    if (!read) throw invalidBody(endpoint, answer?.status ?? 0, 'write', 'the document');
    return read;
  }

  async listDocuments(
    filter: ListFilter = {},
  ): Promise<{ documents: IxDocument[]; pagination: IxPagination | null }> {
    const answer = await this.transport.call('GET', 'invoices.json', {
      endpoint: 'invoices/list',
      kind: 'read',
      query: {
        reference: filter.reference,
        text: filter.text,
        'type[]': filter.types,
        'status[]': filter.statuses,
        'date[from]': filter.dateFrom ? toIxDate(filter.dateFrom) : undefined,
        'date[to]': filter.dateTo ? toIxDate(filter.dateTo) : undefined,
        page: filter.page,
        per_page: filter.perPage,
      },
    });
    const documents = decode(
      documentSchema.array(),
      pick(answer?.body, 'invoices') ?? [],
      'invoices/list',
      'read',
      answer?.status ?? 0,
    );
    const pagination = paginationSchema.safeParse(pick(answer?.body, 'pagination'));
    return { documents, pagination: pagination.success ? pagination.data : null };
  }

  /**
   * Every document whose reference is exactly `reference` (deleted ones left out), over all pages
   * of the `reference` filter — what to call before any write that follows an unknown outcome.
   * Matches are re-checked here: whether the filter is exact is not documented.
   */
  async findByReference(
    reference: string,
    options: { type?: IxDocumentType; maxPages?: number } = {},
  ): Promise<IxDocument[]> {
    const found: IxDocument[] = [];
    const kind = options.type ? KIND_OF[options.type] : undefined;
    for (let page = 1; page <= (options.maxPages ?? 20); page++) {
      const { documents, pagination } = await this.listDocuments({ reference, page, perPage: 100 });
      found.push(
        ...documents.filter(
          (document) =>
            document.reference === reference &&
            document.status !== 'deleted' &&
            (!kind || document.type === kind),
        ),
      );
      if (!pagination || page >= pagination.total_pages) break;
    }
    return found;
  }

  async changeState(
    type: IxDocumentType,
    id: number,
    state: IxStateChange,
    message?: string,
  ): Promise<IxDocument> {
    const endpoint = `${type}/change-state`;
    const answer = await this.transport.call('PUT', `${type}/${id}/change-state.json`, {
      endpoint,
      kind: 'write',
      body: { invoice: { state, ...(message ? { message } : {}) } },
    });
    if (answer?.body) return this.documentOf(type, answer.body, endpoint, 'write', answer.status);
    const read = await this.getDocument(type, id);
    if (!read) throw invalidBody(endpoint, answer?.status ?? 0, 'write', 'the document');
    return read;
  }

  finalize(type: IxDocumentType, id: number): Promise<IxDocument> {
    return this.changeState(type, id, 'finalized');
  }

  /** Only a draft can be deleted; a final document is cancelled or credited instead. */
  deleteDraft(type: IxDocumentType, id: number): Promise<IxDocument> {
    return this.changeState(type, id, 'deleted');
  }

  cancel(type: IxDocumentType, id: number, message: string): Promise<IxDocument> {
    return this.changeState(type, id, 'canceled', message);
  }

  async emailDocument(type: IxDocumentType, id: number, input: IxEmailInput): Promise<void> {
    await this.transport.call('PUT', `${type}/${id}/email-document.json`, {
      endpoint: `${type}/email-document`,
      kind: 'write',
      body: {
        message: {
          client: { email: input.to, save: input.saveEmail ? '1' : '0' },
          subject: input.subject,
          body: input.body,
          cc: input.cc ?? '',
          bcc: input.bcc ?? '',
          logo: input.logo === false ? '0' : '1',
        },
      },
    });
  }

  /** Credit notes and receipts of a document, or a credit note's original. */
  async relatedDocuments(id: number): Promise<IxDocument[]> {
    const endpoint = 'document/related_documents';
    const answer = await this.transport.call('GET', `document/${id}/related_documents.json`, {
      endpoint,
      kind: 'read',
    });
    return decode(
      documentSchema.array(),
      pick(answer?.body, 'documents') ?? [],
      endpoint,
      'read',
      answer?.status ?? 0,
    );
  }

  /** A (partial) payment of a final invoice: InvoiceXpress issues a receipt. */
  async partialPayment(invoiceId: number, input: IxPaymentInput): Promise<IxDocument> {
    const endpoint = 'documents/partial_payments';
    const answer = await this.transport.call('POST', `documents/${invoiceId}/partial_payments.json`, {
      endpoint,
      kind: 'write',
      body: {
        partial_payment: {
          amount: input.amount,
          payment_mechanism: input.mechanism ?? 'NU',
          ...(input.date ? { payment_date: toIxDate(input.date) } : {}),
          ...(input.note ? { note: input.note } : {}),
          ...(input.serie ? { serie: input.serie } : {}),
        },
      },
    });
    return decode(documentSchema, pick(answer?.body, 'receipt'), endpoint, 'write', answer?.status ?? 0);
  }

  async cancelReceipt(receiptId: number, message: string): Promise<IxDocument> {
    const endpoint = 'receipts/change-state';
    const answer = await this.transport.call('PUT', `receipts/${receiptId}/change-state.json`, {
      endpoint,
      kind: 'write',
      body: { receipt: { state: 'canceled', message } },
    });
    return decode(documentSchema, pick(answer?.body, 'receipt'), endpoint, 'write', answer?.status ?? 0);
  }

  /**
   * The PDF's URL: generation is asynchronous (202 until ready), so this polls with a growing
   * pause until the URL comes or the budget is spent (INVOICEXPRESS_TIMEOUT, `reason: pdf_not_ready`).
   */
  async pdfUrl(id: number, options: PdfOptions = {}): Promise<string> {
    const deadline = Date.now() + (options.budgetMs ?? 10_000);
    let pause = options.pollMs ?? 250;
    for (let polls = 1; ; polls++) {
      const answer = await this.transport.call('GET', `api/pdf/${id}.json`, {
        endpoint: 'pdf/get',
        kind: 'read',
        query: { second_copy: options.secondCopy ? 'true' : 'false' },
        emptyStatuses: [202],
      });
      if (answer && answer.status !== 202) {
        const url = pick(pick(answer.body, 'output'), 'pdfUrl');
        if (typeof url !== 'string' || url === '')
          throw invalidBody('pdf/get', answer.status, 'read', 'output.pdfUrl');
        return url;
      }
      if (Date.now() + pause > deadline) {
        throw new FaturadorError(
          'INVOICEXPRESS_TIMEOUT',
          `InvoiceXpress had not generated the PDF of document ${id} after ${polls} polls.`,
          {
            provider: 'invoicexpress',
            endpoint: 'pdf/get',
            reason: 'pdf_not_ready',
            polls,
            outcome: 'not_applied',
          },
        );
      }
      await sleep(pause);
      pause = Math.min(2_000, pause * 2);
    }
  }

  /** The PDF itself, checked to be one. */
  async downloadPdf(id: number, options: PdfOptions = {}): Promise<Uint8Array> {
    const url = await this.pdfUrl(id, options);
    const file = await this.transport.fetchFile('pdf/download', url);
    const head = new TextDecoder().decode(file.bytes.subarray(0, 5));
    if (file.status !== 200 || head !== '%PDF-')
      throw invalidBody('pdf/download', file.status, 'read', 'a PDF');
    return file.bytes;
  }

  /** Calls per endpoint, attempts included. */
  stats(): Record<string, number> {
    return this.transport.stats();
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private async readClient(
    path: string,
    endpoint: string,
    query: Record<string, string>,
  ): Promise<IxClient | null> {
    const answer = await this.transport.call('GET', path, {
      endpoint,
      kind: 'read',
      query,
      notFoundIsNull: true,
    });
    return answer ? decode(clientSchema, pick(answer.body, 'client'), endpoint, 'read', answer.status) : null;
  }

  private documentOf(
    type: IxDocumentType,
    body: unknown,
    endpoint: string,
    kind: CallKind,
    status: number,
  ): IxDocument {
    // Answers are wrapped in the singular type; some integrations saw `invoice` for every type.
    const inner = pick(body, SINGULAR[type]) ?? pick(body, 'invoice');
    return decode(documentSchema, inner, endpoint, kind, status);
  }
}

export function createInvoiceXpressClient(options: InvoiceXpressClientOptions): InvoiceXpressClient {
  return new InvoiceXpressClient(options);
}
