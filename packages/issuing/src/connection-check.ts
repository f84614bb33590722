import type { SecretBox } from '@faturador/core';
import { checkConnection as checkInvoiceXpress } from '@faturador/invoicexpress';
import { clientOptionsOf, createMoloniClient } from '@faturador/moloni';
import type { ConnectionWithSecrets, Provider } from '@faturador/store';
import type { Redis } from 'ioredis';

/** What checking a connection proved, for any platform: the company it issues for, and the detail. */
export interface ConnectionCheck {
  provider: Provider;
  /** The company (Moloni) or account (InvoiceXpress) documents will be issued in. */
  company: string;
  /** What was learned, a line each, for the terminal. */
  lines: string[];
  /** The platform's own report. */
  report: unknown;
}

interface CheckDeps {
  redis: Redis;
  prefix: string;
  secretBox: SecretBox;
}

/** Moloni: a draft is inserted and deleted, so the payment method and totals are proven too. */
async function checkMoloni(connection: ConnectionWithSecrets, deps: CheckDeps): Promise<ConnectionCheck> {
  const client = createMoloniClient({
    ...clientOptionsOf(connection),
    connectionId: connection.connection_id,
    redis: deps.redis,
    prefix: deps.prefix,
    secretBox: deps.secretBox,
  });
  try {
    const report = await client.checkConnection();
    const { draft } = report;
    const chosen = report.companies.find((item) => item.company_id === report.companyId);
    return {
      provider: 'moloni',
      company: `${chosen?.name ?? '?'} (${report.companyId})`,
      report,
      lines: [
        `Connection ${connection.connection_id}: company ${report.companyId}${chosen ? ` ${chosen.name} (NIF ${chosen.vat ?? '-'})` : ''}`,
        `  companies listed   ${report.companies.map((item) => `${item.company_id} ${item.name}`).join('; ')}`,
        `  demo company (5)   ${report.demoCompanyListed ? 'listed (ignored)' : 'not listed'}`,
        `  payment methods    ${report.paymentMethods.map((method) => `${method.name}${method.is_numerary ? ' [cash]' : ''}`).join(', ')}`,
        `  FR/FS paid with    ${report.cashMethod ? report.cashMethod.name : "Moloni's default (no cash method)"}`,
        `  draft inserted     FR document ${draft.documentId}, number ${String(draft.number)}`,
        `  calculation method ${draft.calcMethodId ?? 'not reported'}`,
        `  total              requested ${draft.requestedTotal} EUR, Moloni ${draft.moloniTotal ?? '?'} EUR`,
        `  payments stored    ${draft.payments.map((payment) => payment.name ?? payment.payment_method_id).join(', ') || 'none'}`,
        `  draft deleted      ${draft.deleted ? 'yes' : 'NO'}`,
      ],
    };
  } finally {
    await client.close();
  }
}

/** InvoiceXpress: the key and account answer, and the series and taxes documents will use. */
async function checkIx(connection: ConnectionWithSecrets): Promise<ConnectionCheck> {
  const report = await checkInvoiceXpress(connection.account ?? '', connection.api_key, {
    baseUrl: connection.base_url,
  });
  return {
    provider: 'invoicexpress',
    company: `InvoiceXpress ${report.account}`,
    report,
    lines: [
      `Connection ${connection.connection_id}: InvoiceXpress account ${report.account} answers`,
      `  default series     ${report.defaultSerie ?? '-'} (of ${report.series.join(', ') || 'none'})`,
      `  taxes              ${report.taxes.map((tax) => `${tax.name} ${tax.value}% ${tax.region}`).join(', ')}`,
    ],
  };
}

const CHECKS: Record<
  Provider,
  (connection: ConnectionWithSecrets, deps: CheckDeps) => Promise<ConnectionCheck>
> = {
  moloni: checkMoloni,
  invoicexpress: checkIx,
};

/** `faturador connections check` and the backoffice's test button, whichever the platform. */
export function checkConnectionOf(
  connection: ConnectionWithSecrets,
  deps: CheckDeps,
): Promise<ConnectionCheck> {
  return CHECKS[connection.provider](connection, deps);
}
