import { type StoreDeps, securityKeys } from './redis-keys.ts';

const PURPOSE = 'canary';
const PLAINTEXT = 'faturador master key canary';

export class MasterKeyMismatchError extends Error {
  override readonly name = 'MasterKeyMismatchError';
}

/**
 * Proves the master key opens what is stored: the first call seals a known value, later calls
 * open it. Run at boot and by `faturador doctor`, so a wrong key is caught before any secret is
 * needed (or, worse, before new secrets are sealed under it next to old ones).
 */
export async function checkMasterKey(
  deps: Pick<StoreDeps, 'redis' | 'prefix' | 'secretBox'>,
): Promise<'created' | 'ok'> {
  const key = securityKeys(deps.prefix).canary;
  const created = await deps.redis.set(key, deps.secretBox.seal(PLAINTEXT, PURPOSE), 'NX');
  if (created === 'OK') return 'created';
  const sealed = await deps.redis.get(key);
  try {
    if (sealed !== null && deps.secretBox.open(sealed, PURPOSE) === PLAINTEXT) return 'ok';
  } catch {
    // Falls through: a wrong key fails GCM authentication.
  }
  throw new MasterKeyMismatchError(
    `the master key does not open the canary at ${key}: it is not the key this Redis's secrets were sealed with`,
  );
}
