import { isFaturadorError } from '@faturador/core';
import { ADMINS_USAGE, adminsCommand } from './commands/admins.ts';
import { CLIENTS_USAGE, clientsCommand } from './commands/clients.ts';
import { CONNECTIONS_USAGE, connectionsCommand } from './commands/connections.ts';
import { DOCTOR_USAGE, doctorCommand } from './commands/doctor.ts';
import { DOCUMENTS_USAGE, documentsCommand } from './commands/documents.ts';
import { KEYS_USAGE, keysCommand } from './commands/keys.ts';
import { PDF_LINKS_USAGE, pdfLinksCommand } from './commands/pdf-links.ts';
import { REQUESTS_USAGE, requestsCommand } from './commands/requests.ts';
import { type CliDeps, type CommandOutput, UsageError } from './context.ts';

export const USAGE = `faturador — operate Faturador (Moloni connections, API clients and keys, requests, backoffice users, documents after issuing)

Environment: REDIS_URL, FATURADOR_MASTER_KEY (64 hex), FATURADOR_PREFIX (default {fat})
Add --json to any command for machine-readable output.

${CONNECTIONS_USAGE}

${CLIENTS_USAGE}

${KEYS_USAGE}

${REQUESTS_USAGE}

${DOCUMENTS_USAGE}

${ADMINS_USAGE}

${PDF_LINKS_USAGE}
${DOCTOR_USAGE}`;

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `--help`, `-h`, `help` or nothing: answered without configuration or Redis. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.length === 0 || argv.some((arg) => arg === '--help' || arg === '-h') || argv[0] === 'help';
}

function dispatch(deps: CliDeps, group: string | undefined, action: string | undefined, rest: string[]) {
  switch (group) {
    case 'connections':
      return connectionsCommand(deps, action, rest);
    case 'clients':
      return clientsCommand(deps, action, rest);
    case 'keys':
      return keysCommand(deps, action, rest);
    case 'requests':
      return requestsCommand(deps, action, rest);
    case 'documents':
      return documentsCommand(deps, action, rest);
    case 'admins':
      return adminsCommand(deps, action, rest);
    case 'pdf-links':
      return pdfLinksCommand(deps, action, rest);
    case 'doctor':
      return doctorCommand(deps, action === undefined ? rest : [action, ...rest]);
    default:
      throw new UsageError(`unknown command: ${group ?? ''}`.trim());
  }
}

/** Redis refusing or missing, as ioredis reports it with a fail-fast connection. */
function isRedisDown(error: unknown): boolean {
  return (
    error instanceof Error &&
    /Stream isn't writeable|Connection is closed|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|max retries/i.test(
      error.message,
    )
  );
}

/** Runs one command; never throws. Errors become a message on stderr and an exit code. */
export async function runCli(deps: CliDeps, argv: readonly string[]): Promise<CliResult> {
  if (wantsHelp(argv)) return { exitCode: 0, stdout: `${USAGE}\n`, stderr: '' };
  const json = argv.includes('--json');
  const [group, action, ...rest] = argv.filter((arg) => arg !== '--json');
  try {
    const output: CommandOutput = await dispatch(deps, group, action, rest);
    const body = json ? JSON.stringify(output.data ?? null, null, 2) : output.text;
    return { exitCode: output.exitCode ?? 0, stdout: `${body}\n`, stderr: '' };
  } catch (error) {
    if (error instanceof UsageError) {
      return {
        exitCode: 2,
        stdout: '',
        stderr: `faturador: ${error.message}\nRun \`faturador --help\` for usage.\n`,
      };
    }
    if (isFaturadorError(error)) return { exitCode: 1, stdout: '', stderr: `faturador: ${error.message}\n` };
    if (isRedisDown(error)) {
      return {
        exitCode: 1,
        stdout: '',
        stderr: 'faturador: Redis is not reachable (check REDIS_URL; `faturador doctor`).\n',
      };
    }
    return {
      exitCode: 1,
      stdout: '',
      stderr: `faturador: ${error instanceof Error ? error.message : String(error)}\n`,
    };
  }
}
