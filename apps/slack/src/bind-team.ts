// `tsx apps/slack/src/bind-team.ts bind|unbind|show <team id> [client id]`: see team-binding.ts.
import { createRedis } from '@faturador/store';
import { parseBindEnv } from './env.ts';
import { BIND_USAGE, runTeamBinding } from './team-binding.ts';
import { installationsIn } from './workspaces.ts';

const env = parseBindEnv();
if (!env.ok) {
  process.stderr.write(`${env.problems.join('\n')}\n${BIND_USAGE}\n`);
  process.exit(1);
}
// Fail fast: an operator wants "Redis is down" now, not a command hanging on reconnects.
const redis = createRedis(env.config.redisUrl, 'request', { lazyConnect: true, retryStrategy: () => null });
try {
  await redis.connect();
  const result = await runTeamBinding(process.argv.slice(2), {
    store: installationsIn(redis, env.config.prefix, env.config),
    credentials: env.config.credentials,
  });
  (result.code === 0 ? process.stdout : process.stderr).write(`${result.out}\n`);
  process.exitCode = result.code;
} finally {
  redis.disconnect();
}
