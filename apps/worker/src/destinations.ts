import { airtableDestinationRefusal, createAirtableBaseSettingsStore } from '@faturador/airtable-web';
import { slackTeamsOf } from '@faturador/core';
import type { DestinationGuard, Runtime } from '@faturador/issuing';
import { createApiClientStore } from '@faturador/store';

/**
 * Delivery's own ownership check, whatever the API accepted: a Slack thread only for a client
 * bound to that workspace (a `slack:T…` capability), an Airtable record only for the client whose
 * base settings name it. The Slack deliverer checks, in addition, that its token is that
 * workspace's bot.
 */
export function createDestinationGuard(runtime: Runtime): DestinationGuard {
  const deps = { redis: runtime.redis, prefix: runtime.prefix, secretBox: runtime.secretBox };
  const clients = createApiClientStore(deps);
  const bases = createAirtableBaseSettingsStore(deps);
  return async (entry) => {
    const { origin } = entry;
    if (origin.kind === 'api') return null;
    const client = await clients.getClient(entry.clientId);
    if (client?.status !== 'active') return `API client ${entry.clientId} is not active.`;
    if (origin.kind === 'slack') {
      if (origin.team_id && slackTeamsOf(client.capabilities).includes(origin.team_id)) return null;
      return `API client ${entry.clientId} is not bound to Slack workspace ${origin.team_id ?? '(none)'}.`;
    }
    return airtableDestinationRefusal(entry, await bases.get(origin.base_id));
  };
}
