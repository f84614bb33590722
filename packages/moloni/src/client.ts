import {
  type CalcMethod,
  type DocumentType,
  FaturadorError,
  type InvoiceRequest,
  type SecretBox,
} from '@faturador/core';
import type { Redis } from 'ioredis';
import { type ConnectionReport, checkConnection } from './check.ts';
import type { FoundDocument, IssueDocumentInput, IssuedDocument, IssueHooks } from './document-model.ts';
import { DocumentService, downloadOriginOf } from './documents.ts';
import { LifecycleService } from './lifecycle.ts';
import { createRedisLock } from './lock.ts';
import { createRedisPacer } from './pacer.ts';
import { calcMethodOf } from './pricing.ts';
import { ProductCatalog } from './products.ts';
import { type MoloniLogger, redactingLogger, SecretRegistry, silentLogger } from './redact.ts';
import { ReferenceData } from './reference-data.ts';
import { ResolutionCache } from './resolution-cache.ts';
import { MoloniSession } from './session.ts';
import { type MoloniCredentials, TokenManager } from './tokens.ts';
import {
  type CallStats,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUTS,
  type MoloniCallObserver,
  type MoloniRetryPolicy,
  type MoloniTimeouts,
  MoloniTransport,
} from './transport.ts';

export const MOLONI_PRODUCTION_URL = 'https://api.moloni.pt/v1/';

export interface MoloniClientOptions {
  /** `https://api.moloni.pt/v1/` in production; the sandbox's URL in development and tests. */
  baseUrl: string;
  credentials: MoloniCredentials;
  /** Identifies the Moloni account: one shared token per connection across every process. */
  connectionId: string;
  redis: Redis;
  /** Namespace of the Redis keys (`<prefix>:moloni:token:<connectionId>`). */
  prefix: string;
  secretBox: SecretBox;
  /** The company to issue for; by default the account's only company. */
  companyId?: number;
  logger?: MoloniLogger;
  /**
   * Told of every HTTP call this client makes (endpoint, outcome, status, duration) as it ends,
   * e.g. to keep a request's timeline. Called synchronously: it should hand the call off, not wait.
   */
  onCall?: MoloniCallObserver;
  timeouts?: Partial<MoloniTimeouts>;
  retry?: Partial<MoloniRetryPolicy>;
  /** How long reference data (series, taxes, payment methods…) is cached in process. */
  cacheTtlMs?: number;
  /** Renew the access token this long before it expires. */
  tokenRefreshMarginMs?: number;
  /** Our clock, for token lifetimes and document dates; injectable for tests. */
  now?: () => number;
}

export interface MoloniClient {
  readonly connectionId: string;
  /** Inserts a draft, checks its total, closes it when a final document is requested. */
  issueDocument(input: IssueDocumentInput, hooks?: IssueHooks): Promise<IssuedDocument>;
  /**
   * Adopts an existing document (found by reference after a failure). A draft is verified and
   * closed (TOTAL_MISMATCH if Moloni's total differs); a closed document is returned as it is,
   * with Moloni's total; a cancelled one is REFERENCE_ALREADY_ISSUED.
   */
  completeDocument(documentId: number, request: InvoiceRequest): Promise<IssuedDocument>;
  findByOurReference(
    ourReference: string,
    documentType?: DocumentType,
    options?: { year?: number },
  ): Promise<FoundDocument[]>;
  /** getPDFLink's URL: a landing page for people, not the file (see downloadPdf). */
  getPdfLink(documentId: number, options?: { signed?: boolean }): Promise<string>;
  /** The PDF file of a closed document, checked to be one (else MOLONI_BAD_GATEWAY). */
  downloadPdf(documentId: number): Promise<Uint8Array<ArrayBuffer>>;
  /** After issuing: delete a draft, credit notes, receipts, closing with an e-mail. */
  readonly lifecycle: LifecycleService;
  /**
   * Inserts a draft, reads what Moloni made of it and deletes it: the account's companies, payment
   * methods, draft numbering and calculation method, for a first look at a real account.
   */
  checkConnection(): Promise<ConnectionReport>;
  /** The company issuances go to (resolved once from `companies/getAll` when not configured). */
  companyId(): Promise<number>;
  /** The company's calculation method (`companies/getOne`), null when Moloni does not say. */
  calcMethod(): Promise<CalcMethod | null>;
  /** Moloni HTTP calls made by this client, per endpoint. */
  stats(): CallStats;
  resetStats(): void;
  /** Forgets cached reference data. */
  clearCache(): void;
  /** Closes the HTTP connections (the Redis connection belongs to the caller). */
  close(): Promise<void>;
}

const DEFAULT_CACHE_TTL_MS = 10 * 60_000;

/** A stored Moloni connection, as the store keeps it (its secrets already opened). */
export interface StoredMoloniConnection {
  base_url: string;
  client_id: string;
  client_secret: string;
  username: string;
  password: string;
  company_id?: number | null;
}

/** The client options of a stored connection: what the worker and `connections check` both build. */
export function clientOptionsOf(
  connection: StoredMoloniConnection,
): Pick<MoloniClientOptions, 'baseUrl' | 'credentials' | 'companyId'> {
  return {
    baseUrl: connection.base_url,
    credentials: {
      clientId: connection.client_id,
      clientSecret: connection.client_secret,
      username: connection.username,
      password: connection.password,
    },
    ...(connection.company_id ? { companyId: connection.company_id } : {}),
  };
}

export function createMoloniClient(options: MoloniClientOptions): MoloniClient {
  const secrets = new SecretRegistry();
  const logger = redactingLogger(options.logger ?? silentLogger, secrets);
  const now = options.now ?? Date.now;
  const transport = new MoloniTransport({
    baseUrl: options.baseUrl,
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    retry: { ...DEFAULT_RETRY, ...options.retry },
    logger,
    secrets,
    // One pace per Moloni account (the connection), whatever process makes the call.
    pacer: createRedisPacer(options.redis, `${options.prefix}:moloni:pace:${options.connectionId}`),
    ...(options.onCall ? { onCall: options.onCall } : {}),
  });
  const lock = createRedisLock(options.redis);
  const tokens = new TokenManager({
    transport,
    redis: options.redis,
    lock,
    prefix: options.prefix,
    connectionId: options.connectionId,
    secretBox: options.secretBox,
    credentials: options.credentials,
    secrets,
    logger,
    now,
    ...(options.tokenRefreshMarginMs === undefined ? {} : { refreshMarginMs: options.tokenRefreshMarginMs }),
  });
  const session = new MoloniSession(transport, tokens);
  const referenceData = new ReferenceData(
    session,
    options.connectionId,
    options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS,
  );

  let company: Promise<number> | null = null;
  const companyId = (): Promise<number> => {
    if (options.companyId !== undefined) return Promise.resolve(options.companyId);
    if (!company) {
      company = pickCompany(referenceData);
      company.catch(() => {
        company = null;
      });
    }
    return company;
  };

  // Warm issuances look nothing up: what customers and products resolved to is kept per company.
  const customerCache = new ResolutionCache(options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS, now);
  const productCache = new ResolutionCache(options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS, now);
  const documents = new DocumentService({
    session,
    referenceData,
    customers: {
      session,
      referenceData,
      lock,
      lockPrefix: `${options.prefix}:moloni:customer-lock:${options.connectionId}`,
      cache: customerCache,
    },
    catalog: new ProductCatalog(session, referenceData, productCache),
    forgetResolutions: (company) => {
      customerCache.clearCompany(company);
      productCache.clearCompany(company);
    },
    company: companyId,
    now,
    downloadOrigin: downloadOriginOf(options.baseUrl),
  });

  return {
    connectionId: options.connectionId,
    issueDocument: (input, hooks) => documents.issue(input, hooks),
    completeDocument: (documentId, request) => documents.complete(documentId, request),
    findByOurReference: (ourReference, documentType, findOptions) =>
      documents.findByOurReference(ourReference, documentType, findOptions),
    getPdfLink: (documentId, pdfOptions) => documents.pdfLink(documentId, pdfOptions),
    downloadPdf: (documentId) => documents.downloadPdf(documentId),
    lifecycle: new LifecycleService({ session, referenceData, company: companyId }),
    checkConnection: () => checkConnection({ session, referenceData, documents, company: companyId, now }),
    companyId,
    calcMethod: async () => calcMethodOf(await referenceData.company(await companyId())),
    stats: () => transport.stats(),
    resetStats: () => transport.resetStats(),
    clearCache: () => {
      referenceData.invalidate();
      customerCache.clear();
      productCache.clear();
      company = null;
    },
    close: () => transport.close(),
  };
}

/** Moloni's demonstration company, which real accounts may list; the official plugin ignores it. */
const DEMO_COMPANY_ID = 5;

async function pickCompany(referenceData: ReferenceData): Promise<number> {
  const companies = (await referenceData.companies()).filter(
    (company) => Number(company.company_id) !== DEMO_COMPANY_ID,
  );
  const [only] = companies;
  if (companies.length === 1 && only) return only.company_id;
  const listed = companies.map(
    (item) => `${item.company_id} ${item.name}${item.vat ? ` (NIF ${item.vat})` : ''}`,
  );
  throw new FaturadorError(
    'CONNECTION_NOT_CONFIGURED',
    companies.length === 0
      ? "The Moloni account has no company (besides Moloni's demo company)."
      : `The Moloni account has several companies: configure the company id of the connection (${listed.join('; ')}).`,
    {
      companies: companies.map((item) => ({
        company_id: item.company_id,
        name: item.name,
        vat: item.vat ?? null,
      })),
    },
  );
}
