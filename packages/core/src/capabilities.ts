import type { Origin } from './origin.ts';

/**
 * What an API client may do beyond issuing for itself, recorded on the client by an operator.
 * The only one today: `slack:<team id>` lets a client (the Slack bot's) name threads of that one
 * Slack workspace as the origin of its requests, so that the result is posted there.
 *
 * Nothing else lets a request body choose where its result goes: an ordinary client's results go
 * back to the caller only, and Airtable origins are set by the record-trigger route alone, for
 * bases whose settings belong to the calling client.
 */
export type Capability = `slack:${string}`;

const SLACK_CAPABILITY = /^slack:(T[A-Z0-9]{2,20})$/;

export function isCapability(value: string): value is Capability {
  return SLACK_CAPABILITY.test(value);
}

export function slackCapability(teamId: string): Capability {
  const capability = `slack:${teamId}`;
  if (!isCapability(capability)) throw new TypeError(`"${teamId.slice(0, 40)}" is not a Slack team id (T…)`);
  return capability;
}

/** The Slack workspaces whose threads a client may name as origins. */
export function slackTeamsOf(capabilities: readonly string[]): string[] {
  return capabilities.flatMap((capability) => SLACK_CAPABILITY.exec(capability)?.[1] ?? []);
}

/**
 * Why a client may not name this origin in a request body, or null when it may. A client without
 * capabilities may name none, not even `api`; reasons name no other client's settings.
 */
export function originRefusal(origin: Origin, capabilities: readonly string[]): string | null {
  const teams = slackTeamsOf(capabilities);
  if (teams.length === 0) return 'may not be set by this client: its results go back to the caller only';
  switch (origin.kind) {
    case 'api':
      return null;
    case 'slack': {
      if (!origin.team_id) return 'team_id is required for a Slack origin';
      if (!teams.includes(origin.team_id)) return `names a Slack workspace this client is not bound to`;
      return null;
    }
    case 'airtable':
      return 'may not name an Airtable record: use POST /api/v1/record-triggers/airtable';
  }
}
