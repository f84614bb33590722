// `pnpm --filter @faturador/moloni-sandbox start`: the sandbox on its own, for demos and manual
// testing. The port comes from MOLONI_SANDBOX_PORT (default 8765); with MOLONI_SANDBOX_STATE_FILE
// the account is kept in that JSON file across restarts.
import { sandboxEnv } from './env.ts';
import { startMoloniSandbox } from './server.ts';

async function main(): Promise<void> {
  const { port, stateFile } = sandboxEnv();
  const running = await startMoloniSandbox({ port, ...(stateFile ? { stateFile } : {}) });
  const { credentials, companyId, documentSetId } = running.sandbox;
  const lines = [
    `Moloni sandbox listening on ${running.baseUrl}`,
    `  client_id      ${credentials.clientId}`,
    `  client_secret  ${credentials.clientSecret}`,
    `  username       ${credentials.username}`,
    `  password       ${credentials.password}`,
    `  company_id     ${companyId}   document_set_id ${documentSetId} (series M)`,
    `  control        ${running.origin}/_sandbox/{faults,stats,clock,calc-method,reset}`,
    `  state          ${stateFile ? `${stateFile} (${running.sandbox.restored ? 'restored' : 'new'})` : 'in memory'}`,
    'Press Ctrl+C to stop.',
  ];
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
    `moloni-sandbox failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
