import { describe, expect, it } from 'vitest';
import { FaturadorError } from './errors.ts';
import { withDocumentId } from './provider-port.ts';

describe('withDocumentId', () => {
  it('adds the draft id to a domain error, keeping its code, message, details and cause', () => {
    const original = new FaturadorError('MOLONI_TIMEOUT', 'Moloni did not answer.', { endpoint: 'x' });
    const tagged = withDocumentId(original, 41);
    expect(tagged).toBeInstanceOf(FaturadorError);
    expect(tagged).toMatchObject({
      code: 'MOLONI_TIMEOUT',
      message: 'Moloni did not answer.',
      details: { endpoint: 'x', document_id: 41 },
      cause: original,
    });
  });

  it('leaves an error that already names a document, and anything not a domain error, as it is', () => {
    const named = new FaturadorError('TOTAL_MISMATCH', 'Off by a cent.', { document_id: 7 });
    expect(withDocumentId(named, 41)).toBe(named);
    const plain = new Error('socket hang up');
    expect(withDocumentId(plain, 41)).toBe(plain);
  });
});
