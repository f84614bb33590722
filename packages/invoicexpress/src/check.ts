import { FaturadorError } from '@faturador/core';
import { InvoiceXpressClient, type InvoiceXpressClientOptions } from './client.ts';
import { connectionFailed } from './errors.ts';

export interface ConnectionReport {
  /** The subdomain used. */
  account: string;
  /** What was typed, when it was a URL or host and was reduced to the subdomain. */
  correctedFrom: string | null;
  /** The default series, which documents get unless one is named. */
  defaultSerie: string | null;
  series: string[];
  taxes: Array<{ name: string; value: number; region: string }>;
}

const KEY_HINT = 'Copy it again from Settings → Integrations → API, making sure there are no extra spaces.';
const ACCOUNT_HINT = 'Check the subdomain: just the name before .invoicexpress.com, not the full URL.';

/**
 * What `connections add --provider invoicexpress` runs before saving: one cheap read of clients
 * (as integrations probe it), then the series and taxes the connection will use. The seed's
 * troubleshooting cases come back as INVOICEXPRESS_CONNECTION_FAILED with `details.cause`:
 * `key_refused` ("Invalid API key"), `account_not_found` ("Account not found"; a 404, a redirect or
 * a host that does not resolve), `account_invalid` (not a subdomain, with a hint), `key_missing`.
 */
export async function checkConnection(
  account: string,
  apiKey: string,
  options: Omit<InvoiceXpressClientOptions, 'account' | 'apiKey'> = {},
): Promise<ConnectionReport> {
  const client = new InvoiceXpressClient({
    ...options,
    account,
    apiKey,
    retry: { readAttempts: 1, ...options.retry },
  });
  try {
    await client.probe();
    const [sequences, taxes] = [await client.sequences(), await client.taxes()];
    return {
      account: client.account,
      correctedFrom: client.accountCorrectedFrom,
      defaultSerie: sequences.find((row) => row.default_sequence)?.serie ?? null,
      series: sequences.map((row) => row.serie),
      taxes: taxes.map((tax) => ({ name: tax.name, value: tax.value, region: tax.region })),
    };
  } catch (error) {
    throw explain(error, client.account);
  } finally {
    await client.close();
  }
}

function explain(error: unknown, account: string): unknown {
  if (!(error instanceof FaturadorError) || error.code !== 'INVOICEXPRESS_CONNECTION_FAILED') return error;
  const cause = error.details?.cause;
  if (cause === 'key_refused') {
    return connectionFailed(
      'key_refused',
      `Invalid API key: InvoiceXpress refused it for account "${account}". ${KEY_HINT}`,
      {
        account,
      },
    );
  }
  if (cause === 'account_not_found' || cause === 'unknown_host') {
    return connectionFailed(
      'account_not_found',
      `Account not found: InvoiceXpress has no account "${account}". ${ACCOUNT_HINT}`,
      {
        account,
      },
    );
  }
  return error;
}
