import type { SlackAppConfig } from './env.ts';

/** Who may issue: empty lists mean everyone, everywhere. */
export function mayIssue(
  config: Pick<SlackAppConfig, 'allowedChannels' | 'allowedUsers'>,
  who: { userId: string; channel: string },
): boolean {
  const channelOk = config.allowedChannels.length === 0 || config.allowedChannels.includes(who.channel);
  const userOk = config.allowedUsers.length === 0 || config.allowedUsers.includes(who.userId);
  return channelOk && userOk;
}
