/** The standalone sandbox's variables (`main.ts`): the package's only reader of the environment. */
export function sandboxEnv(source: Record<string, string | undefined> = process.env): {
  port: number;
  stateFile: string | undefined;
} {
  const port = Number(source.INVOICEXPRESS_SANDBOX_PORT ?? 8766);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `INVOICEXPRESS_SANDBOX_PORT must be a port number, got "${source.INVOICEXPRESS_SANDBOX_PORT}"`,
    );
  }
  return { port, stateFile: source.INVOICEXPRESS_SANDBOX_STATE_FILE || undefined };
}
