// InvoiceXpress's side of the fault injector (the machinery is @faturador/sandbox-kit's, as for
// the Moloni sandbox). Endpoints are `<resource>/<action>` as listed in the README
// (`invoices/create`, `pdf/get`, `clients/find-by-code`), with `*` as a wildcard anywhere
// (`invoice_receipts/*`, or a leading star for every type's `create`). A `refuse` fault answers
// 422 with its body (default: a canonical error list): the sporadic validation refusals
// integrations report under load.
import { type FaultAnswers, FaultInjector as KitFaultInjector, proxyErrorPage } from '@faturador/sandbox-kit';
import { htmlResponse } from './transport.ts';

function matchGlob(pattern: string, endpoint: string): boolean {
  const source = pattern
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(endpoint.toLowerCase());
}

export const DEFAULT_REFUSAL = { errors: [{ error: 'Ocorreu um erro. Por favor tente novamente.' }] };

export class FaultInjector extends KitFaultInjector {
  constructor() {
    super({ match: matchGlob, refusalBody: (body) => body ?? DEFAULT_REFUSAL });
  }
}

/** What a proxy in front of the application answers: HTML, not JSON. */
const PROXY = {
  reasons: {
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  },
};

export const FAULT_ANSWERS: FaultAnswers = {
  refusalStatus: 422,
  statusPage: (_c, status) => htmlResponse(proxyErrorPage(status, PROXY), status),
};
