// `pnpm --filter @faturador/moloni-sandbox start`: the sandbox on its own, for demos and manual
// testing. The port comes from MOLONI_SANDBOX_PORT (default 8765); with MOLONI_SANDBOX_STATE_FILE
// the account is kept in that JSON file across restarts.
import { runAlone, standaloneEnv } from '@faturador/sandbox-kit';
import { startMoloniSandbox } from './server.ts';

runAlone('moloni-sandbox', async () => {
  const { port, stateFile } = standaloneEnv('MOLONI_SANDBOX', 8765);
  const running = await startMoloniSandbox({ port, ...(stateFile ? { stateFile } : {}) });
  const { credentials, companyId, documentSetId } = running.sandbox;
  const banner = [
    `Moloni sandbox listening on ${running.baseUrl}`,
    `  client_id      ${credentials.clientId}`,
    `  client_secret  ${credentials.clientSecret}`,
    `  username       ${credentials.username}`,
    `  password       ${credentials.password}`,
    `  company_id     ${companyId}   document_set_id ${documentSetId} (series M)`,
    `  control        ${running.origin}/_sandbox/{faults,stats,clock,calc-method,reset}`,
    `  state          ${stateFile ? `${stateFile} (${running.sandbox.restored ? 'restored' : 'new'})` : 'in memory'}`,
  ];
  return { banner, close: running.close };
});
