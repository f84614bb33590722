/**
 * Operating the Airtable bases the backend reads from:
 *
 *   pnpm --filter @faturador/airtable-web base save settings.json   # token from AIRTABLE_PAT
 *   pnpm --filter @faturador/airtable-web base show appXXXXXXXXXXXXXX
 *   pnpm --filter @faturador/airtable-web base list
 *   pnpm --filter @faturador/airtable-web base remove appXXXXXXXXXXXXXX
 *
 * Env: REDIS_URL, FATURADOR_MASTER_KEY, FATURADOR_PREFIX (as the api and worker have them). The
 * token is taken from AIRTABLE_PAT rather than the file, so that it is not left lying around; it
 * is sealed before it reaches Redis and never printed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSecretBox, isFaturadorError, parseMasterKey } from '@faturador/core';
import { createRedis } from '@faturador/store';
import { parseBaseCliEnv } from './env.ts';
import { createAirtableBaseSettingsStore } from './settings.ts';

const env = parseBaseCliEnv();

const USAGE = 'usage: base save <settings.json> | base show <base id> | base list | base remove <base id>';

async function main(): Promise<number> {
  if (!env.success) {
    process.stderr.write(`${env.error.issues.map((issue) => issue.message).join('; ')}\n`);
    return 2;
  }
  const [command, argument] = process.argv.slice(2).filter((arg) => arg !== '--');
  const redis = createRedis(env.data.REDIS_URL, 'worker');
  const store = createAirtableBaseSettingsStore({
    redis,
    prefix: env.data.FATURADOR_PREFIX,
    secretBox: createSecretBox(parseMasterKey(env.data.FATURADOR_MASTER_KEY)),
  });
  const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  try {
    if (command === 'save' && argument) {
      // pnpm runs scripts in the package folder; a relative path means the caller's folder.
      const file = resolve(env.data.INIT_CWD ?? process.cwd(), argument);
      const input = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      const pat = env.data.AIRTABLE_PAT ?? input.pat;
      print(await store.save({ ...input, ...(pat ? { pat } : {}) } as never));
    } else if (command === 'show' && argument) {
      const settings = await store.get(argument);
      if (!settings) throw new Error(`base ${argument} has no settings`);
      print(settings);
    } else if (command === 'list') {
      print(
        (await store.list()).map((settings) => ({
          base_id: settings.base_id,
          client_id: settings.client_id,
          table_id: settings.table_id,
        })),
      );
    } else if (command === 'remove' && argument) {
      print({ removed: await store.remove(argument) });
    } else {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    return 0;
  } catch (error) {
    const details =
      isFaturadorError(error) && error.details ? `\n${JSON.stringify(error.details, null, 2)}` : '';
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}${details}\n`);
    return 1;
  } finally {
    redis.disconnect();
  }
}

process.exitCode = await main();
