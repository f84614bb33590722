// Moloni's side of the fault injector (the machinery is @faturador/sandbox-kit's). Endpoints are
// `class/method` as in the URL (`invoiceReceipts/insert`), `class/*`, `grant` for the token
// endpoint, `downloads/page` and `downloads/getDownload` for the PDF pages. A `refuse` fault
// answers HTTP 200 with its body: the refusals Moloni sends besides its flat error array, such as
// `{"valid": 0, …}` or a nested array `[["10 associated_id"], "5 related_id"]`.
import {
  type FaultAnswers,
  FaultValidationError,
  FaultInjector as KitFaultInjector,
  proxyErrorPage,
} from '@faturador/sandbox-kit';

function matchClassMethod(pattern: string, endpoint: string): boolean {
  const want = pattern.toLowerCase().replace(/^\/+|\/+$/g, '');
  const have = endpoint.toLowerCase();
  if (want.endsWith('/*')) return have.startsWith(want.slice(0, -1));
  return want === have;
}

// Moloni's refusals have no canonical shape, so a test must say which one it means.
function refusalBody(body: unknown): unknown {
  if (body === null || typeof body !== 'object') {
    throw new FaultValidationError('refuse needs a body (a JSON object or array)');
  }
  return body;
}

export class FaultInjector extends KitFaultInjector {
  constructor() {
    super({ match: matchClassMethod, refusalBody });
  }
}

/** What an nginx in front of Moloni answers: HTML, not JSON. */
const NGINX = {
  reasons: {
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Temporarily Unavailable',
    504: 'Gateway Time-out',
  },
  signature: 'nginx',
};

export const FAULT_ANSWERS: FaultAnswers = {
  refusalStatus: 200,
  statusPage: (c, status) => c.html(proxyErrorPage(status, NGINX), status as 429 | 500 | 502 | 503 | 504),
};
