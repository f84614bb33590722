import type { Hono } from 'hono';
import type { Redis } from 'ioredis';
import type { AppEnv } from '../context.ts';

/** Liveness says the process runs; readiness says it can take requests (Redis answers). */
export function registerHealth(
  app: Hono<AppEnv>,
  deps: { redis: Redis; isReady?: () => Promise<boolean> },
): void {
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    const checks: Record<string, boolean> = {};
    checks.redis = await deps.redis
      .ping()
      .then((reply) => reply === 'PONG')
      .catch(() => false);
    if (deps.isReady) checks.workers = await deps.isReady().catch(() => false);
    const ok = Object.values(checks).every(Boolean);
    return c.json({ ok, checks }, ok ? 200 : 503);
  });
}
