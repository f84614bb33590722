// `pnpm --filter @faturador/invoicexpress-sandbox start`: the sandbox on its own. The port comes
// from INVOICEXPRESS_SANDBOX_PORT (default 8766); with INVOICEXPRESS_SANDBOX_STATE_FILE the
// accounts are kept in that JSON file across restarts.
import { runAlone, standaloneEnv } from '@faturador/sandbox-kit';
import { startInvoiceXpressSandbox } from './server.ts';

runAlone('invoicexpress-sandbox', async () => {
  const { port, stateFile } = standaloneEnv('INVOICEXPRESS_SANDBOX', 8766);
  const running = await startInvoiceXpressSandbox({ port, ...(stateFile ? { stateFile } : {}) });
  const banner = [`InvoiceXpress sandbox listening on ${running.baseUrlTemplate}`];
  for (const account of running.sandbox.accounts) {
    banner.push(
      `  account ${account.name}   api_key ${account.apiKey}   → ${running.accountUrl(account.name)}`,
    );
  }
  banner.push(
    `  control  ${running.origin}/_sandbox/{faults,stats,behaviour,accounts,emails,clock,reset}`,
    `  state    ${stateFile ? `${stateFile} (${running.sandbox.restored ? 'restored' : 'new'})` : 'in memory'}`,
  );
  return { banner, close: running.close };
});
