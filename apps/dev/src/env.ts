/**
 * The local stack's one reader of the process environment (with slack/env.ts): `npm start`'s
 * overrides (README), the demos' variables, and what the services it starts inherit.
 */
export function devEnvironment(): Record<string, string | undefined> {
  return process.env;
}
