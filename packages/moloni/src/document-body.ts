import { type InvoiceRequest, lisbonDate } from '@faturador/core';
import { resolveCustomer } from './customers.ts';
import {
  type IssueDocumentInput,
  PAID_ON_ISSUE,
  pickDocumentSet,
  pickMaturityDate,
  pickPaymentMethod,
} from './document-model.ts';
import type { DocumentServiceDeps } from './documents.ts';
import type { MoloniPaymentMethod } from './moloni-types.ts';
import { calcMethodOf, planNetPrices } from './pricing.ts';
import { lineTaxes } from './products.ts';

/**
 * The insert body of a document: net prices for the company's calculation method (or
 * TOTAL_UNREACHABLE before anything is written), series, payment method, customer and products
 * resolved (in parallel where they are independent), always as a draft.
 */
export async function buildDocumentBody(
  deps: DocumentServiceDeps,
  companyId: number,
  input: IssueDocumentInput,
): Promise<Record<string, unknown>> {
  const { request, ourReference } = input;
  const { referenceData, catalog } = deps;
  const date = request.date ?? lisbonDate(deps.now());
  // First, before any customer or product is written: can Moloni reach this gross at all?
  const prices = planNetPrices(request, calcMethodOf(await referenceData.company(companyId)));
  const [sets, methods] = await Promise.all([
    referenceData.documentSets(companyId),
    referenceData.paymentMethods(companyId),
  ]);
  const set = pickDocumentSet(sets, request.series);
  const payment = pickPaymentMethod(methods, request.paymentMethod);
  // One lookup per distinct product, even if several lines name it.
  const products = new Map<string, Promise<number>>();
  const productId = (line: InvoiceRequest['lines'][number]) => {
    let pending = products.get(line.product);
    if (!pending) {
      pending = catalog.resolve(companyId, { ...line, name: line.product, fiscalZone: request.fiscalZone });
      products.set(line.product, pending);
    }
    return pending;
  };
  const [customer, lines] = await Promise.all([
    resolveCustomer(deps.customers, companyId, request.customer, () =>
      customerDefaults(deps, companyId, payment),
    ),
    Promise.all(
      request.lines.map(async (line, index) => ({
        product_id: await productId(line),
        name: line.product,
        summary: line.description ?? '',
        qty: line.quantity,
        // Net of VAT, chosen for the company's calculation method so Moloni's total is the gross.
        price: prices[index] ?? 0,
        discount: 0,
        order: index,
        exemption_reason: line.vatRate === 0 ? (line.exemptionReason ?? '') : '',
        taxes: await lineTaxes(referenceData, companyId, request.fiscalZone, line.vatRate),
      })),
    ),
  ]);
  const paidOnIssue = PAID_ON_ISSUE.has(request.documentType) && payment !== undefined;
  return {
    company_id: companyId,
    date,
    expiration_date: request.documentType === 'invoice' ? (request.dueDate ?? date) : date,
    document_set_id: set.document_set_id,
    customer_id: customer.customerId,
    our_reference: ourReference,
    your_reference: '',
    financial_discount: 0,
    special_discount: 0,
    notes: request.notes ?? '',
    // Always a draft first: closing is a separate step after the total is checked.
    status: 0,
    products: lines,
    ...(paidOnIssue
      ? {
          payments: [
            {
              payment_method_id: payment.payment_method_id,
              date,
              value: request.totalGrossCents / 100,
              notes: '',
            },
          ],
        }
      : {}),
  };
}

async function customerDefaults(
  deps: DocumentServiceDeps,
  companyId: number,
  payment: MoloniPaymentMethod | undefined,
) {
  const maturity = pickMaturityDate(await deps.referenceData.maturityDates(companyId));
  return {
    paymentMethodId: payment?.payment_method_id ?? ('' as const),
    maturityDateId: maturity?.maturity_date_id ?? ('' as const),
  };
}
