import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOT_SCOPES } from './workspaces.ts';

describe('BOT_SCOPES', () => {
  it('are the bot scopes of the app manifest: an install asks for what the manifest declares', () => {
    const manifest = readFileSync(new URL('../slack-app-manifest.yaml', import.meta.url), 'utf8');
    const bot = manifest.split(/\n\s+bot:\n/)[1]?.split(/\n\S/)[0] ?? '';
    const scopes = [...bot.matchAll(/^\s+- (\S+)$/gm)].map((match) => match[1]);
    expect(scopes).toEqual(BOT_SCOPES);
  });
});
