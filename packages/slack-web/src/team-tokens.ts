import { notDeliverable } from '@faturador/core';
import type { LedgerEntry, SlackInstallationStore } from '@faturador/store';

/** The bot token that reaches a request's Slack workspace. */
export type SlackTokenFor = (entry: LedgerEntry) => Promise<string>;

/**
 * A workspace that installed the app (OAuth mode) is reached with its own token; any other with
 * the one configured token (single-token mode). Either way the delivery still checks, with
 * `auth.test`, that the token belongs to the workspace the request names. With neither, the
 * result is not deliverable (yet): a plain reason, not a refusal, since the workspace may install
 * the app later and the result can be redelivered then.
 */
export function slackTokens(options: {
  installations: Pick<SlackInstallationStore, 'botTokenFor'>;
  fallback?: string | undefined;
}): SlackTokenFor {
  return async (entry) => {
    const teamId = entry.origin.kind === 'slack' ? entry.origin.team_id : undefined;
    const installed = teamId ? await options.installations.botTokenFor(teamId) : null;
    const token = installed ?? options.fallback;
    if (!token) {
      throw notDeliverable(
        teamId
          ? `no Slack token for workspace ${teamId} (the app is not installed there and SLACK_BOT_TOKEN is not set)`
          : 'no Slack token for a thread that names no workspace (SLACK_BOT_TOKEN is not set)',
      );
    }
    return token;
  };
}
