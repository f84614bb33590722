import { FaturadorError } from '@faturador/core';

/** Network reasons that mean the connection's host does not exist: no retry can fix a typo. */
const UNKNOWN_HOST = new Set(['ENOTFOUND']);

/**
 * A failure of the Moloni connection itself that no retry can fix: an unknown host, or Moloni
 * refusing the connection's credentials at the token grant. The request fails at once with
 * MOLONI_CONNECTION_FAILED (naming the cause) instead of retrying for a minute; an operator fixes
 * the connection and retries it. Anything else is returned unchanged.
 */
export function asConnectionFailure(error: FaturadorError): FaturadorError {
  const details = error.details ?? {};
  if (details.provider !== 'moloni') return error;
  const reason = typeof details.reason === 'string' ? details.reason : '';
  if (error.code === 'MOLONI_UNAVAILABLE' && UNKNOWN_HOST.has(reason)) {
    return new FaturadorError(
      'MOLONI_CONNECTION_FAILED',
      `The Moloni host of this connection does not exist (${reason}): check its URL.`,
      { ...details, cause: 'unknown_host' },
      { cause: error },
    );
  }
  if (error.code === 'AUTH_ERROR' && details.endpoint === 'grant') {
    return new FaturadorError(
      'MOLONI_CONNECTION_FAILED',
      'Moloni refused the credentials of this connection: check its client id, secret, username and password.',
      { ...details, cause: 'credentials_refused' },
      { cause: error },
    );
  }
  return error;
}
