import { connectionFailed } from './errors.ts';

export const PRODUCTION_BASE_URL = 'https://{account}.app.invoicexpress.com';

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const VENDOR_HOST = /^([a-z0-9-]+)\.(?:app\.)?invoicexpress\.(?:com|net)$/;
const RESERVED = new Set(['www', 'app', 'api', 'docs', 'web']);

export interface NormalizedAccount {
  account: string;
  /** The input when it was a URL or a host we reduced to its subdomain. */
  correctedFrom: string | null;
}

const hint =
  'Give only the subdomain: for https://mycompany.app.invoicexpress.com it is "mycompany" (Settings → API shows it).';

/**
 * The account's subdomain from what a person typed. A pasted URL or host of InvoiceXpress is
 * reduced to its subdomain (the seed's "just the name, not the full URL"); anything else that is
 * not a subdomain is refused with a hint, before a request is sent.
 */
export function normalizeAccount(input: string): NormalizedAccount {
  const trimmed = input.trim().toLowerCase();
  if (trimmed === '')
    throw connectionFailed('account_invalid', `The InvoiceXpress account is empty. ${hint}`);
  if (SUBDOMAIN.test(trimmed) && !RESERVED.has(trimmed)) return { account: trimmed, correctedFrom: null };
  let host = trimmed;
  try {
    host = new URL(trimmed.includes('://') ? trimmed : `https://${trimmed}`).hostname;
  } catch {
    // Not even a URL: refused below.
  }
  const match = VENDOR_HOST.exec(host);
  const account = match?.[1];
  if (account && SUBDOMAIN.test(account) && !RESERVED.has(account)) {
    return { account, correctedFrom: input.trim() };
  }
  throw connectionFailed(
    'account_invalid',
    `"${input.trim()}" is not an InvoiceXpress account subdomain. ${hint}`,
    {
      given: input.trim(),
    },
  );
}

/** Trims the key (a copied key often carries spaces); an empty one is refused before sending. */
export function normalizeApiKey(apiKey: string): string {
  const key = apiKey.trim();
  if (key === '' || /\s/.test(key)) {
    throw connectionFailed(
      'key_missing',
      'The InvoiceXpress API key is empty or has spaces inside: copy it again from Settings → Integrations → API.',
    );
  }
  return key;
}

export function accountBaseUrl(template: string, account: string): string {
  return template.replace('{account}', account).replace(/\/+$/, '');
}
