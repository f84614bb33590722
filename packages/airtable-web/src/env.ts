import { z } from 'zod';

/** The variables of the `base` ops script (the package's only reader of the process environment). */
export function parseBaseCliEnv() {
  return z
    .object({
      REDIS_URL: z.string().url('REDIS_URL must be a redis:// URL'),
      FATURADOR_MASTER_KEY: z.string().min(32, 'FATURADOR_MASTER_KEY is required'),
      FATURADOR_PREFIX: z.string().min(1).default('{fat}'),
      AIRTABLE_PAT: z.string().optional(),
      INIT_CWD: z.string().optional(),
    })
    .safeParse(process.env);
}
