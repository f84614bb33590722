// An action whose job the queue gave up on is recorded failed, never left running.
import { newId } from '@faturador/core';
import { createLifecycleStore, type NewAction } from '@faturador/store';
import { randomPrefix, testRedis } from '@faturador/testing';
import { describe, expect, it } from 'vitest';
import { abandonAction } from './process-action.ts';
import { relatedDocument } from './related.ts';

function setup() {
  const actions = createLifecycleStore({ redis: testRedis(), prefix: randomPrefix(), ttlSeconds: 60 });
  const claim = async (kind: NewAction['kind']) => {
    const actionId = newId('act');
    await actions.claim({
      actionId,
      requestId: 'req_0000000000000001',
      clientId: 'acme',
      kind,
      input: kind === 'email' ? { to: 'ana@cliente.pt' } : {},
      idempotencyKey: `key-${actionId}`,
      fingerprint: actionId,
      referenceCode: kind === 'credit_note' ? 'NC' : null,
      baseReference: 'REF-1',
    });
    await actions.markRunning(actionId);
    return actionId;
  };
  return { actions, claim };
}

describe('abandonAction', () => {
  it('an e-mail that was being sent ends in doubt; one that never reached the server, failed', async () => {
    const { actions, claim } = setup();
    const sending = await claim('email');
    await actions.recordOutcome(sending, {
      to: 'ana@cliente.pt',
      email_state: 'sending',
      message_id: '<x@f>',
    });
    await abandonAction(sending, 'its worker stopped too many times', { actions });
    const doubt = await actions.get(sending);
    expect(doubt).toMatchObject({
      state: 'failed',
      error: { code: 'EMAIL_IN_DOUBT', details: { in_doubt: true } },
    });
    expect(doubt && relatedDocument(doubt)?.state).toBe('in_doubt');

    const queued = await claim('email');
    await abandonAction(queued, 'its worker stopped too many times', { actions });
    const failed = await actions.get(queued);
    expect(failed && relatedDocument(failed)?.state).toBe('failed');
    expect(failed?.error?.code).toBe('EMAIL_UNAVAILABLE');
  });

  it('a credit note is failed with its outcome unknown; a done action is left as it is', async () => {
    const { actions, claim } = setup();
    const credit = await claim('credit_note');
    await abandonAction(credit, 'its worker stopped too many times', { actions });
    expect(await actions.get(credit)).toMatchObject({
      state: 'failed',
      httpStatus: 504,
      error: { code: 'MOLONI_TIMEOUT', details: { outcome: 'unknown' } },
    });
    const done = await claim('receipt');
    await actions.markDone(done, null, { open_amount: 0 });
    await abandonAction(done, 'late', { actions });
    expect((await actions.get(done))?.state).toBe('done');
  });
});
