import type { Deliverer, Runtime } from '@faturador/issuing';
import type { WorkerEnv } from './env.ts';

/** The deliverers this worker can run, from its configuration. */
export function buildDeliverers(
  _env: WorkerEnv,
  _runtime: Runtime,
): Partial<Record<'slack' | 'airtable', Deliverer>> {
  return {};
}
