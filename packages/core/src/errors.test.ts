import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, errorEnvelope, FaturadorError } from './errors.ts';
import { isId, newId } from './ids.ts';

describe('error catalog', () => {
  it("keeps the seed table's codes and statuses", () => {
    expect(ERROR_STATUS).toMatchObject({
      VALIDATION_ERROR: 400,
      AUTH_ERROR: 401,
      IP_NOT_ALLOWED: 403,
      IDEMPOTENCY_CONFLICT: 409,
      MOLONI_BUSINESS_ERROR: 422,
      CUSTOMER_AMBIGUOUS: 422,
      MOLONI_BAD_GATEWAY: 502,
      MOLONI_UNAVAILABLE: 503,
      MOLONI_TIMEOUT: 504,
    });
  });

  it("builds the seed's error envelope", () => {
    const error = new FaturadorError('VALIDATION_ERROR', 'items[0].vat_rate is invalid.');
    expect(error.status).toBe(400);
    expect(error.retryable).toBe(false);
    expect(errorEnvelope('req_62d03a9dabc7e8f4', error)).toEqual({
      success: false,
      request_id: 'req_62d03a9dabc7e8f4',
      error: { code: 'VALIDATION_ERROR', message: 'items[0].vat_rate is invalid.', details: null },
    });
  });

  it('survives a JSON round trip (job results cross Redis)', () => {
    const error = new FaturadorError('MOLONI_TIMEOUT', 'Moloni did not answer.', { outcome: 'unknown' });
    const back = FaturadorError.fromJSON(JSON.parse(JSON.stringify(error)));
    expect(back).toBeInstanceOf(FaturadorError);
    expect(back.toJSON()).toEqual(error.toJSON());
    expect(back.retryable).toBe(true);
  });
});

describe('ids', () => {
  it('mints prefixed ids like the seed', () => {
    const id = newId('req');
    expect(id).toMatch(/^req_[0-9a-f]{16}$/);
    expect(isId(id, 'req')).toBe(true);
    expect(isId(id, 'doc')).toBe(false);
    expect(new Set(Array.from({ length: 1000 }, () => newId('req'))).size).toBe(1000);
  });
});
