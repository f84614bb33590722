// `pnpm --filter @faturador/invoicexpress-sandbox start`: the sandbox on its own. The port comes
// from INVOICEXPRESS_SANDBOX_PORT (default 8766); with INVOICEXPRESS_SANDBOX_STATE_FILE the
// accounts are kept in that JSON file across restarts.
import { sandboxEnv } from './env.ts';
import { startInvoiceXpressSandbox } from './server.ts';

async function main(): Promise<void> {
  const { port, stateFile } = sandboxEnv();
  const running = await startInvoiceXpressSandbox({ port, ...(stateFile ? { stateFile } : {}) });
  const lines = [`InvoiceXpress sandbox listening on ${running.baseUrlTemplate}`];
  for (const account of running.sandbox.accounts) {
    lines.push(
      `  account ${account.name}   api_key ${account.apiKey}   → ${running.accountUrl(account.name)}`,
    );
  }
  lines.push(
    `  control  ${running.origin}/_sandbox/{faults,stats,behaviour,accounts,emails,clock,reset}`,
    `  state    ${stateFile ? `${stateFile} (${running.sandbox.restored ? 'restored' : 'new'})` : 'in memory'}`,
    'Press Ctrl+C to stop.',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `invoicexpress-sandbox failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
