import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/**
 * The dev stack (`npm start`, `pnpm --filter @faturador/dev slack:dev`) leaves what the replay script
 * needs in a file under the repo's `.data/` (mode 0600, never committed), so the throwaway signing
 * secret is neither printed nor pasted. Its keys are the replay script's variable names.
 */
export const DEFAULT_DEV_FILE = join(import.meta.dirname, '..', '..', '..', '..', '.data', 'slack-dev.json');

/** SLACK_DEV_FILE, else the file in FATURADOR_DATA_DIR (as `npm start` uses it), else the default. */
export function devFilePath(env: Record<string, string | undefined>): string {
  if (env.SLACK_DEV_FILE) return env.SLACK_DEV_FILE;
  if (env.FATURADOR_DATA_DIR) return join(env.FATURADOR_DATA_DIR, 'slack-dev.json');
  return DEFAULT_DEV_FILE;
}

const devFileSchema = z.object({
  SLACK_SIGNING_SECRET: z.string().min(1),
  SLACK_API_URL: z.string().min(1),
  SLACK_REPLAY_URL: z.string().min(1),
  SLACK_REPLAY_TEAM: z.string().min(1),
});

export type DevFile = z.output<typeof devFileSchema>;

export function writeDevFile(path: string, values: DevFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600 });
}

export function removeDevFile(path: string): void {
  rmSync(path, { force: true });
}

/** The file's values, or null when there is none (the dev stack is not running). */
export function readDevFile(path: string): DevFile | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON; remove it and restart the dev stack`);
  }
  const parsed = devFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${path} is incomplete; remove it and restart the dev stack`);
  return parsed.data;
}
