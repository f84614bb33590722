import { parseArgs } from 'node:util';
import { rotatePdfLinkKey } from '@faturador/issuing';
import { type CliDeps, type CommandOutput, parsing, UsageError } from '../context.ts';

export const PDF_LINKS_USAGE = `faturador pdf-links rotate
                        (revokes every PDF link handed out so far — in answers, Slack threads and
                        Airtable records; new answers and deliveries carry new links)`;

export async function pdfLinksCommand(
  deps: CliDeps,
  action: string | undefined,
  args: string[],
): Promise<CommandOutput> {
  if (action !== 'rotate') throw new UsageError(`unknown command: pdf-links ${action ?? ''}`.trim());
  parsing(() => parseArgs({ args, strict: true, options: {} }));
  const generation = await rotatePdfLinkKey(deps.redis, deps.prefix);
  return {
    text: `PDF link key rotated (generation ${generation}): every earlier PDF link now shows "Esta ligação não é válida". Running API and worker processes sign with the new key within a second; re-deliver a result (backoffice or \`requests redeliver\`) to give a record or thread a new link.`,
    data: { generation },
  };
}
