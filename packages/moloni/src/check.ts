import { DOCUMENT_TYPE_CODES, FaturadorError, parseInvoiceRequest } from '@faturador/core';
import { DOCUMENT_CLASSES, pickPaymentMethod } from './document-model.ts';
import type { DocumentService } from './documents.ts';
import type { MoloniDocument } from './moloni-types.ts';
import type { ReferenceData } from './reference-data.ts';
import type { MoloniSession } from './session.ts';

/** What a first look at a Moloni account tells about the beliefs the client depends on. */
export interface ConnectionReport {
  /** companies/getAll as listed, Moloni's demo company (id 5) included. */
  companies: Array<{ company_id: number; name: string; vat: string | null }>;
  demoCompanyListed: boolean;
  companyId: number;
  /** paymentMethods/getAll in Moloni's order: there is no default flag. */
  paymentMethods: Array<{ payment_method_id: number; name: string; is_numerary: boolean }>;
  /** The method an FR or FS gets when the request names none (null: Moloni's own default). */
  cashMethod: { payment_method_id: number; name: string } | null;
  /** The draft inserted and deleted again. */
  draft: {
    documentId: number;
    documentType: 'invoice_receipt';
    /** The number Moloni gives a draft (-1 on real accounts). */
    number: unknown;
    /** `document_calc_method.calc_method_id` as Moloni reports it, or null if absent. */
    calcMethodId: number | null;
    requestedTotal: string;
    /** Moloni's `net_value` for the draft. */
    moloniTotal: string | null;
    /** The payments Moloni stored on the draft. */
    payments: Array<{ payment_method_id: number; name: string | null }>;
    deleted: boolean;
  };
}

export interface CheckDeps {
  session: MoloniSession;
  referenceData: ReferenceData;
  documents: DocumentService;
  company: () => Promise<number>;
  now: () => number;
}

const CHECK_PRODUCT = 'Faturador connection check';
const DEMO_COMPANY_ID = 5;

function euros(value: unknown): string | null {
  const number = Number(value);
  return value === undefined || value === null || !Number.isFinite(number) ? null : number.toFixed(2);
}

/**
 * Inserts a draft invoice-receipt of 10.00 EUR at 23 % for an unidentified buyer, reads what Moloni
 * made of it, and deletes it. A draft has no number and no fiscal effect; the product and the
 * final-consumer customer it needs are created if the account lacks them, as any issuance would.
 */
export async function checkConnection(deps: CheckDeps): Promise<ConnectionReport> {
  const companies = await deps.referenceData.companies();
  const companyId = await deps.company();
  const methods = await deps.referenceData.paymentMethods(companyId);
  const cash = pickPaymentMethod(methods, undefined);
  const reference = `CHECK-${new Date(deps.now()).toISOString().replace(/\D/g, '').slice(0, 14)}`;
  const parsed = parseInvoiceRequest({
    reference,
    customer: { name: 'Consumidor Final' },
    items: [{ product: CHECK_PRODUCT, gross_price: 10, vat_rate: 23 }],
    status: 'draft',
  });
  if (!parsed.ok) throw parsed.error;
  const issued = await deps.documents.issue({ request: parsed.value, ourReference: reference });
  const read = (await deps.session.read('documents/getOne', {
    company_id: companyId,
    document_id: issued.documentId,
  })) as MoloniDocument & {
    document_calc_method?: { calc_method_id?: unknown };
    payments?: Array<{ payment_method_id?: unknown; payment_method_name?: unknown }>;
  };
  const endpoint = `${DOCUMENT_CLASSES.invoice_receipt}/delete`;
  await deps.session.write(endpoint, { company_id: companyId, document_id: issued.documentId });
  const left = await deps.session.read('documents/getOne', {
    company_id: companyId,
    document_id: issued.documentId,
  });
  const deleted =
    Array.isArray(left) ||
    left === null ||
    Number((left as MoloniDocument).document_id) !== issued.documentId;
  if (!deleted) {
    throw new FaturadorError(
      'MOLONI_BAD_GATEWAY',
      `Moloni kept the check's draft ${DOCUMENT_TYPE_CODES.invoice_receipt} (document ${issued.documentId}) after deleting it; delete it in Moloni.`,
      { provider: 'moloni', endpoint, document_id: issued.documentId },
    );
  }
  const calcMethod = Number(read.document_calc_method?.calc_method_id);
  return {
    companies: companies.map((item) => ({
      company_id: item.company_id,
      name: item.name,
      vat: item.vat ?? null,
    })),
    demoCompanyListed: companies.some((item) => Number(item.company_id) === DEMO_COMPANY_ID),
    companyId,
    paymentMethods: methods.map((method) => ({
      payment_method_id: method.payment_method_id,
      name: method.name,
      is_numerary: Number(method.is_numerary) === 1,
    })),
    cashMethod: cash ? { payment_method_id: cash.payment_method_id, name: cash.name } : null,
    draft: {
      documentId: issued.documentId,
      documentType: 'invoice_receipt',
      number: read.number,
      calcMethodId: Number.isFinite(calcMethod) ? calcMethod : null,
      requestedTotal: '10.00',
      moloniTotal: euros(read.net_value),
      payments: (read.payments ?? []).map((payment) => ({
        payment_method_id: Number(payment.payment_method_id),
        name: typeof payment.payment_method_name === 'string' ? payment.payment_method_name : null,
      })),
      deleted,
    },
  };
}
