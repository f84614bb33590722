// `pnpm --filter @faturador/cli start -- <command>`: builds the deps once, runs one command, exits.
import { createSecretBox, parseMasterKey } from '@faturador/core';
import { createRedis } from '@faturador/store';
import { runCli, USAGE, wantsHelp } from './cli.ts';
import { createCliDeps } from './context.ts';
import { loadEnv } from './env.ts';

async function main(): Promise<number> {
  // pnpm passes a literal `--` through to the script.
  const argv = process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--'));
  if (wantsHelp(argv)) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const env = loadEnv();
  // Fail fast: an operator wants "Redis is down" now, not a command hanging on reconnects.
  const redis = createRedis(env.REDIS_URL, 'request', { lazyConnect: true, retryStrategy: () => null });
  try {
    await redis.connect().catch(() => {
      // Reported by the command itself (doctor explains, the others say Redis is unreachable).
    });
    const deps = createCliDeps({
      redis,
      prefix: env.FATURADOR_PREFIX,
      secretBox: createSecretBox(parseMasterKey(env.FATURADOR_MASTER_KEY)),
      redisUrl: env.REDIS_URL,
      cwd: env.INIT_CWD ?? process.cwd(),
    });
    const result = await runCli(deps, argv);
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    return result.exitCode;
  } finally {
    redis.disconnect();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`faturador: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
