/** The standalone sandbox's variables (`main.ts`): the package's only reader of the environment. */
export function sandboxEnv(source: Record<string, string | undefined> = process.env): {
  port: number;
  stateFile: string | undefined;
} {
  const port = Number(source.MOLONI_SANDBOX_PORT ?? 8765);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`MOLONI_SANDBOX_PORT must be a port number, got "${source.MOLONI_SANDBOX_PORT}"`);
  }
  return { port, stateFile: source.MOLONI_SANDBOX_STATE_FILE || undefined };
}
