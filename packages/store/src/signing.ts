import { createHash, createHmac } from 'node:crypto';

/**
 * Signed mode of the billing API. Pure (node:crypto only, no Redis) so that the SDK, the tests and
 * the API share one definition of what is signed.
 *
 * The signature is hex HMAC-SHA256, keyed with the API secret, over
 * `${METHOD}\n${path}\n${timestamp}\n${nonce}\n${sha256hex(rawBody)}`, where `path` is the request
 * path exactly as sent (with its query string, if any) and the body is the raw bytes on the wire.
 */
export const SIGNATURE_HEADERS = {
  clientId: 'x-client-id',
  apiKey: 'x-api-key',
  timestamp: 'x-timestamp',
  nonce: 'x-nonce',
  signature: 'x-signature',
} as const;

/** Timestamps further than this from the server's clock (in either direction) are refused. */
export const SIGNATURE_WINDOW_SECONDS = 300;

export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export interface SignRequestInput {
  method: string;
  path: string;
  /** Unix seconds. */
  timestamp: number | string;
  nonce: string;
  body: Uint8Array | string;
  secret: string;
}

export function bodySha256Hex(body: Uint8Array | string): string {
  return createHash('sha256').update(body).digest('hex');
}

export function canonicalRequest(input: Omit<SignRequestInput, 'secret'>): string {
  return [
    input.method.toUpperCase(),
    input.path,
    String(input.timestamp),
    input.nonce,
    bodySha256Hex(input.body),
  ].join('\n');
}

/** The `X-Signature` value (lowercase hex) for a request. */
export function signRequest(input: SignRequestInput): string {
  return createHmac('sha256', input.secret).update(canonicalRequest(input)).digest('hex');
}

export interface SignedHeadersInput extends Omit<SignRequestInput, 'timestamp' | 'nonce'> {
  clientId: string;
  keyId: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  /** Defaults to 32 random hex characters. */
  nonce?: string;
}

/** Every header of a signed request, for clients that do not want to assemble them by hand. */
export function signedHeaders(input: SignedHeadersInput): Record<string, string> {
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = input.nonce ?? randomNonce();
  return {
    'X-Client-Id': input.clientId,
    'X-Api-Key': input.keyId,
    'X-Timestamp': String(timestamp),
    'X-Nonce': nonce,
    'X-Signature': signRequest({ ...input, timestamp, nonce }),
  };
}

export function randomNonce(): string {
  return globalThis.crypto.randomUUID().replaceAll('-', '');
}
