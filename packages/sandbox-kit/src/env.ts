/**
 * A standalone sandbox's variables (`<PREFIX>_PORT`, `<PREFIX>_STATE_FILE`): the sandboxes' only
 * reader of the environment.
 */
export function standaloneEnv(
  prefix: string,
  defaultPort: number,
  source: Record<string, string | undefined> = process.env,
): { port: number; stateFile: string | undefined } {
  const portVariable = `${prefix}_PORT`;
  const port = Number(source[portVariable] ?? defaultPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${portVariable} must be a port number, got "${source[portVariable]}"`);
  }
  return { port, stateFile: source[`${prefix}_STATE_FILE`] || undefined };
}
