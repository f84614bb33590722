/**
 * End to end, by hand: an Airtable record trigger through the running stack.
 *
 *   npm start                 # terminal 1: redis, sandbox, api, worker
 *   npm run demo:airtable     # terminal 2: finds the running stack (its .data/stack.json)
 *
 * It starts the fake Airtable Web API, registers a bookings base pointing at it (the worker then
 * writes results there), seeds two bookings, and triggers them like the extension or an
 * automation would: one is issued and gets its number (and its request id and Moloni id), one has a
 * bad NIF and gets the error. A second trigger of the issued record is refused. Then the issued one
 * is cancelled as the extension does it: a credit note through the billing API with the request id
 * the record holds, and the credit note's number and "Anulado" written back. Env (each defaults to the running stack's):
 * REDIS_URL, FATURADOR_API_URL,
 * FATURADOR_MASTER_KEY (default: .data/master.key, as npm start writes it), FATURADOR_PREFIX,
 * FATURADOR_DEMO_CLIENT_ID (the API client to issue as), or a ready trigger key in
 * FATURADOR_TRIGGER_CLIENT_ID / _KEY_ID / _SECRET.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BOOKINGS_BASE_ID,
  BOOKINGS_PAT,
  BOOKINGS_TABLE_ID,
  booking,
  bookingSettings,
  bookingsBaseSeed,
  BOOKING_FIELDS as F,
  startFakeAirtable,
} from '@faturador/airtable-sandbox';
import {
  actionOutcomeFields,
  createAirtableBaseSettingsStore,
  createAirtableClientFactory,
} from '@faturador/airtable-web';
import { createSecretBox, parseMasterKey } from '@faturador/core';
import { createApiClientStore, createRedis } from '@faturador/store';
import { request } from 'undici';
import { z } from 'zod';
import { devEnvironment, REPO_ROOT, readStackFile } from '../env.ts';

const stack = readStackFile();
const masterKeyFile = stack?.master_key_file ?? join(REPO_ROOT, '.data', 'master.key');

const env = z
  .object({
    REDIS_URL: z
      .string({ error: 'REDIS_URL is required: start the stack with npm start, or give its Redis URL' })
      .url('REDIS_URL must be the Redis URL npm start printed')
      .default(() => stack?.redis_url ?? ''),
    FATURADOR_API_URL: z
      .string()
      .url()
      .default(() => stack?.api_url ?? 'http://127.0.0.1:8787'),
    FATURADOR_MASTER_KEY: z
      .string()
      .min(32)
      .default(() => (existsSync(masterKeyFile) ? readFileSync(masterKeyFile, 'utf8').trim() : '')),
    FATURADOR_PREFIX: z
      .string()
      .min(1)
      .default(() => stack?.prefix ?? '{fat}'),
    FATURADOR_DEMO_CLIENT_ID: z.string().default('airtable_ops_prod'),
    FATURADOR_TRIGGER_CLIENT_ID: z.string().optional(),
    FATURADOR_TRIGGER_KEY_ID: z.string().optional(),
    FATURADOR_TRIGGER_SECRET: z.string().optional(),
  })
  .safeParse(devEnvironment());
if (!env.success) {
  process.stderr.write(
    `demo: ${env.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}\n`,
  );
  process.exit(2);
}
const config = env.data;

const ISSUED = 'recDemoBooking001';
const BAD_NIF = 'recDemoBooking002';
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const redis = createRedis(config.REDIS_URL, 'worker');
  const secretBox = createSecretBox(parseMasterKey(config.FATURADOR_MASTER_KEY));
  const deps = { redis, prefix: config.FATURADOR_PREFIX, secretBox };
  const clients = createApiClientStore(deps);
  const settings = createAirtableBaseSettingsStore(deps);

  // A trigger key can only ask for records to be issued: what the extension and automations hold.
  let key = {
    clientId: config.FATURADOR_TRIGGER_CLIENT_ID ?? config.FATURADOR_DEMO_CLIENT_ID,
    keyId: config.FATURADOR_TRIGGER_KEY_ID ?? '',
    secret: config.FATURADOR_TRIGGER_SECRET ?? '',
  };
  let createdKey = false;
  if (!key.keyId || !key.secret) {
    const issued = await clients.createKey(key.clientId, { scopes: ['record-triggers:write'] });
    key = { ...key, keyId: issued.key.key_id, secret: issued.secret };
    createdKey = true;
    say(`trigger key   ${key.clientId} / ${key.keyId} (scope record-triggers:write, revoked at the end)`);
  }

  const fake = await startFakeAirtable({
    bases: [
      bookingsBaseSeed([
        booking(ISSUED, { [F.guest]: 'Eduardo Costa', [F.location]: 'Funchal' }),
        booking(BAD_NIF, { [F.guest]: 'Ana Lopes', [F.nif]: '123456780' }),
      ]),
    ],
    tokens: { [BOOKINGS_PAT]: { bases: [BOOKINGS_BASE_ID] } },
  });
  say(`fake Airtable ${fake.apiUrl}`);
  const base = bookingSettings({
    api_url: fake.apiUrl,
    client_id: key.clientId,
    amount_mode: 'net_of_commission',
  });
  await settings.save({
    ...base,
    fields: {
      ...base.fields,
      request_id: F.requestId,
      document_id: F.documentId,
      credit_note_number: F.creditNote,
      receipt_number: F.receipt,
      open_amount: F.openAmount,
    },
  });
  say(`base          ${BOOKINGS_BASE_ID} → table ${BOOKINGS_TABLE_ID}, net of commission, VAT by location`);

  const trigger = async (recordId: string) => {
    const response = await request(`${config.FATURADOR_API_URL}/api/v1/record-triggers/airtable`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-client-id': key.clientId,
        'x-api-key': key.keyId,
        'x-api-secret': key.secret,
      },
      body: JSON.stringify({ base_id: BOOKINGS_BASE_ID, table_id: BOOKINGS_TABLE_ID, record_id: recordId }),
    });
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
  };
  const record = (id: string) => fake.bases.record(BOOKINGS_BASE_ID, BOOKINGS_TABLE_ID, id);

  try {
    say(`\nPOST /api/v1/record-triggers/airtable  ${ISSUED}`);
    const first = await trigger(ISSUED);
    say(`  → ${first.status} ${JSON.stringify(first.body)}`);
    if (first.status === 404 && (first.body.error as { message?: string })?.message?.startsWith('No route')) {
      throw new Error('the API does not serve the record-trigger route yet (not mounted)');
    }
    const deadline = Date.now() + 30_000;
    while (!record(ISSUED)[F.number] && !record(ISSUED)[F.error] && Date.now() < deadline) await sleep(250);
    say(`  record: ${JSON.stringify(record(ISSUED), null, 2).replace(/\n/g, '\n  ')}`);

    say(`\nPOST again (the record says it is issued)  ${ISSUED}`);
    const again = await trigger(ISSUED);
    say(`  → ${again.status} ${JSON.stringify(again.body)}`);

    say(`\nPOST  ${BAD_NIF} (bad NIF)`);
    const bad = await trigger(BAD_NIF);
    say(`  → ${bad.status} ${JSON.stringify(bad.body)}`);
    // The worker's deliver step writes the refusal to the record, as it writes every result.
    const badDeadline = Date.now() + 10_000;
    while (!record(BAD_NIF)[F.error] && Date.now() < badDeadline) await sleep(100);
    say(`  record: ${JSON.stringify(record(BAD_NIF), null, 2).replace(/\n/g, '\n  ')}`);

    // Cancelling, as the extension does with the billing key its user keeps in the browser.
    const requestId = String(record(ISSUED)[F.requestId] ?? '');
    say(`\nPOST /api/v1/invoices/${requestId}/credit-notes  (${ISSUED}, reason "Reserva cancelada")`);
    const billing = await clients.createKey(key.clientId, { scopes: ['invoices:write'] });
    let credited = false;
    try {
      const response = await request(
        `${config.FATURADOR_API_URL}/api/v1/invoices/${requestId}/credit-notes`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': `airtable:${ISSUED}:nc:demo`,
            'x-client-id': key.clientId,
            'x-api-key': billing.key.key_id,
            'x-api-secret': billing.secret,
          },
          body: JSON.stringify({ reason: 'Reserva cancelada' }),
        },
      );
      const answer = (await response.body.json()) as {
        document?: { number?: string | null };
        fully_credited?: boolean | null;
      };
      say(`  → ${response.statusCode} ${JSON.stringify(answer)}`);
      if (response.statusCode === 201) {
        const stored = await settings.get(BOOKINGS_BASE_ID);
        if (stored) {
          const fields = actionOutcomeFields(stored, {
            kind: 'credited',
            number: answer.document?.number ?? null,
            fullyCredited: answer.fully_credited === true,
          });
          await createAirtableClientFactory({ settings })(BOOKINGS_BASE_ID).updateRecords(
            BOOKINGS_TABLE_ID,
            [{ id: ISSUED, fields }],
            { typecast: stored.typecast },
          );
          credited = record(ISSUED)[F.status] === 'Anulado' && Boolean(record(ISSUED)[F.creditNote]);
        }
      }
      say(`  record: ${JSON.stringify(record(ISSUED), null, 2).replace(/\n/g, '\n  ')}`);
    } finally {
      await clients.revokeKey(key.clientId, billing.key.key_id);
    }

    const ok =
      Boolean(record(ISSUED)[F.number]) &&
      Boolean(requestId) &&
      again.status === 409 &&
      bad.status === 400 &&
      Boolean(record(BAD_NIF)[F.error]) &&
      credited;
    say(
      ok
        ? '\nDemo OK: issued once, number and request id written back, refusals in words, cancelled by a credit note.'
        : '\nDemo did not go as expected.',
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    await settings.remove(BOOKINGS_BASE_ID);
    if (createdKey) await clients.revokeKey(key.clientId, key.keyId);
    await fake.close();
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
