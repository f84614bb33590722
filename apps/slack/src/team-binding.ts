import type { SlackInstallationStore } from '@faturador/store';
import { isSlackTeamId } from '@faturador/store';

export const BIND_USAGE = [
  'Uso (a partir da raiz do repositório):',
  '  FATURADOR_API_KEY=… FATURADOR_API_SECRET=… tsx apps/slack/src/bind-team.ts bind <team id> <client id>',
  '  tsx apps/slack/src/bind-team.ts unbind <team id>',
  '  tsx apps/slack/src/bind-team.ts show <team id>',
  'A chave e o segredo do cliente vêm do ambiente, nunca da linha de comandos (ficariam no histórico).',
].join('\n');

export interface BindingResult {
  code: number;
  out: string;
}

type Store = Pick<SlackInstallationStore, 'bindTeam' | 'unbindTeam' | 'bindingOf' | 'getInstallation'>;

const fail = (out: string): BindingResult => ({ code: 1, out });

/**
 * The operator's side of OAuth mode: which Faturador API client issues for a workspace. The API
 * still decides: the client must hold `slack:<team id>`, or its requests from there are refused.
 */
export async function runTeamBinding(
  argv: string[],
  deps: { store: Store; credentials: { apiKey?: string | undefined; apiSecret?: string | undefined } },
): Promise<BindingResult> {
  const [command, teamId = '', clientId = ''] = argv;
  if (!command || !['bind', 'unbind', 'show'].includes(command)) return fail(BIND_USAGE);
  if (!isSlackTeamId(teamId)) return fail(`"${teamId}" não é um team id do Slack (T…).\n${BIND_USAGE}`);
  if (command === 'unbind') {
    const removed = await deps.store.unbindTeam(teamId);
    return {
      code: 0,
      out: removed ? `${teamId} já não está ligada a nenhum cliente.` : `${teamId} não estava ligada.`,
    };
  }
  if (command === 'show') return { code: 0, out: await describe(deps.store, teamId) };
  const { apiKey, apiSecret } = deps.credentials;
  if (!clientId) return fail(`Falta o client id.\n${BIND_USAGE}`);
  if (!apiKey || !apiSecret)
    return fail('Faltam FATURADOR_API_KEY e FATURADOR_API_SECRET do cliente no ambiente.');
  try {
    await deps.store.bindTeam(teamId, { clientId, apiKey, apiSecret });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const installed = await deps.store.getInstallation(teamId);
  return {
    code: 0,
    out: [
      `${teamId} ligada ao cliente ${clientId}.`,
      `O cliente tem de ter a capacidade slack:${teamId} na API, senão os pedidos desta workspace são recusados.`,
      ...(installed ? [] : ['A app ainda não foi instalada nesta workspace (/slack/install).']),
    ].join('\n'),
  };
}

async function describe(store: Store, teamId: string): Promise<string> {
  const [installation, binding] = await Promise.all([store.getInstallation(teamId), store.bindingOf(teamId)]);
  return [
    installation
      ? `Instalada em ${installation.installedAt} (${installation.teamName ?? teamId}) por ${installation.installerUserId ?? '?'}.`
      : 'Não instalada.',
    binding
      ? `Ligada ao cliente ${binding.clientId} desde ${binding.boundAt}.`
      : 'Não ligada a nenhum cliente.',
  ].join('\n');
}
