import { createOAuthState } from './oauth.ts';
import { blocksProblem, CHANNEL_ID, TS, viewProblem } from './validate.ts';

export interface FakeSlackOptions {
  /** Default 0: a free port. */
  port?: number;
  host?: string;
  /** The only bot token accepted; when absent, any `xoxb-…` token is. */
  token?: string;
  /** The channels that exist; when absent, every well-formed channel id does. */
  channels?: string[];
  teamId?: string;
  botUserId?: string;
  botId?: string;
  /**
   * Conversations with a kind and the bot's membership. A channel not named here (and allowed by
   * `channels`) is a public channel the bot is in.
   */
  conversations?: Record<string, FakeConversation>;
  /** The bot token's scopes; by default the ones the app's manifest asks for (`DEFAULT_SCOPES`). */
  scopes?: string[];
  /** How long a trigger_id minted by `triggerId()` can open a view. Slack's: 3 s. */
  triggerTtlMs?: number;
  /** The app's OAuth credentials: `oauth.v2.access` exchanges codes only for these. */
  oauth?: FakeOAuthApp;
}

export interface FakeOAuthApp {
  clientId: string;
  clientSecret: string;
  appId?: string;
  /** The app's configured Redirect URL: where the authorize page sends back without `redirect_uri`. */
  redirectUrl?: string;
}

/** A workspace a token acts in: the default one, or one that installed the app through OAuth. */
export interface FakeWorkspace {
  teamId: string;
  teamName: string;
  botUserId: string;
  botId: string;
  enterprise: { id: string; name: string } | null;
}

/** What the authorize page is told about the person approving: the workspace they pick. */
export interface FakeApproval {
  teamId: string;
  teamName?: string;
  userId?: string;
  enterprise?: { id: string; name: string };
}

export interface FakeConversation {
  kind: 'public' | 'private' | 'im' | 'mpim';
  /** Default: true for a public channel, false for the others. */
  botMember?: boolean;
  /** The people in it (a DM's two people); when given, others get `user_not_in_channel`. */
  members?: string[];
}

/** The scopes of `apps/slack/slack-app-manifest.yaml`. */
export const DEFAULT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'channels:read',
  'groups:read',
  'im:read',
  'mpim:read',
  'im:write',
];

/** The bot scope each method needs (Slack's method pages, "Required scopes"). */
const METHOD_SCOPES: Record<string, string> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'conversations.open': 'im:write',
};
/** conversations.info needs the read scope of the conversation's kind. */
const READ_SCOPES: Record<FakeConversation['kind'], string> = {
  public: 'channels:read',
  private: 'groups:read',
  im: 'im:read',
  mpim: 'mpim:read',
};

export interface FakeCall {
  method: string;
  args: Record<string, unknown>;
  /** Whether the token came as a Bearer header (what Slack recommends) or a form field. */
  tokenIn: 'header' | 'body' | 'none';
  contentType: string;
  status: number;
  response: Record<string, unknown>;
  /** When it arrived (ms since the epoch): shows whether a client waited as Retry-After asked. */
  at: number;
  /** The workspace of the token, when the token was accepted. */
  team?: string;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
  user: string;
  bot_id: string;
  /** The workspace it was posted in: another workspace's bot cannot see it. */
  team: string;
  /** Earlier versions, oldest first, each time chat.update changed the message. */
  history: Array<{ text: string; blocks?: unknown[] }>;
}

export interface FakeView {
  id: string;
  trigger_id: string | null;
  hash: string;
  view: Record<string, unknown>;
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
}

export interface FakeFault {
  /** Slack's error code; `ratelimited` answers HTTP 429 with `Retry-After`. */
  error: string;
  /** An HTTP status other than 200 (e.g. 503) for the answer. */
  status?: number;
  /** Seconds, for `ratelimited`. Default 1. */
  retryAfter?: number;
}

export interface FakeAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

const scopesOf = (options: FakeSlackOptions) => options.scopes ?? DEFAULT_SCOPES;

const TRIGGER_ID = /^\d+\.\d+\.[0-9a-zA-Z]+$/;

const fail = (error: string, extra: Record<string, unknown> = {}): FakeAnswer => ({
  status: 200,
  body: { ok: false, error, ...extra },
});

export function createFakeState(options: FakeSlackOptions) {
  const home: FakeWorkspace = {
    teamId: options.teamId ?? 'T0FAKE',
    teamName: 'Fake',
    botUserId: options.botUserId ?? 'U0FAKEBOT',
    botId: options.botId ?? 'B0FAKEBOT',
    enterprise: null,
  };
  const { teamId, botUserId, botId } = home;
  /** Bot tokens `oauth.v2.access` handed out, each acting in its own workspace. */
  const installed = new Map<string, FakeWorkspace>();
  const oauth = createOAuthState(options.oauth, scopesOf(options));
  const calls: FakeCall[] = [];
  const messages: FakeMessage[] = [];
  const views: FakeView[] = [];
  const ephemerals: FakeEphemeral[] = [];
  const faults = new Map<string, FakeFault[]>();
  const usedTriggers = new Set<string>();
  const mintedTriggers = new Map<string, number>();
  const scopes = scopesOf(options);
  const conversations = new Map<string, FakeConversation>(Object.entries(options.conversations ?? {}));
  let dmCounter = 0;
  const baseSeconds = Math.floor(Date.now() / 1000);
  let counter = 100;
  const nextTs = () => `${baseSeconds}.${String(++counter).padStart(6, '0')}`;

  /** The conversation behind an id, or null when Slack has none by that id. */
  function conversationOf(channel: unknown): FakeConversation | null {
    if (typeof channel !== 'string' || !CHANNEL_ID.test(channel)) return null;
    const known = conversations.get(channel);
    if (known) return known;
    if (options.channels !== undefined && !options.channels.includes(channel)) return null;
    return { kind: 'public', botMember: true };
  }
  const isMember = (c: FakeConversation) => c.botMember ?? c.kind === 'public';
  /** A private channel, DM or group DM the bot is not in is, to the bot, not there at all. */
  const visible = (c: FakeConversation | null): c is FakeConversation =>
    c !== null && (c.kind === 'public' || isMember(c));
  const channelExists = (channel: unknown): channel is string => visible(conversationOf(channel));

  /** Where the bot may not write: null when it may. */
  function writeProblem(channel: unknown): FakeAnswer | null {
    const conversation = conversationOf(channel);
    if (!visible(conversation)) return fail('channel_not_found');
    if (!isMember(conversation) && !scopes.includes('chat:write.public')) return fail('not_in_channel');
    return null;
  }
  const missingScope = (needed: string) => fail('missing_scope', { needed, provided: scopes.join(',') });

  const find = (who: FakeWorkspace, channel: string, ts: string) =>
    messages.find((m) => m.team === who.teamId && m.channel === channel && m.ts === ts);

  function contentProblem(args: Record<string, unknown>): FakeAnswer | null {
    const text = typeof args.text === 'string' ? args.text : '';
    const hasBlocks = Array.isArray(args.blocks) && args.blocks.length > 0;
    if (text === '' && !hasBlocks) return fail('no_text');
    if (text.length > 40_000) return fail('msg_too_long');
    if (args.blocks !== undefined) {
      const problem = blocksProblem(args.blocks, 50);
      if (problem) return fail('invalid_blocks', { errors: [problem] });
    }
    return null;
  }

  function publicMessage(message: FakeMessage): Record<string, unknown> {
    const { history: _history, channel: _channel, ...rest } = message;
    return { type: 'message', ...rest };
  }

  const methods: Record<string, (args: Record<string, unknown>, who: FakeWorkspace) => FakeAnswer> = {
    'auth.test': (_args, who) => ({
      status: 200,
      body: {
        ok: true,
        url: 'https://fake.slack.test/',
        team: who.teamName,
        user: 'faturador',
        team_id: who.teamId,
        user_id: who.botUserId,
        bot_id: who.botId,
        ...(who.enterprise ? { enterprise_id: who.enterprise.id } : {}),
        is_enterprise_install: false,
      },
    }),

    'chat.postMessage': (args, who) => {
      const refused = writeProblem(args.channel);
      if (refused) return refused;
      if (!channelExists(args.channel)) return fail('channel_not_found');
      const content = contentProblem(args);
      if (content) return content;
      let threadTs: string | undefined;
      if (args.thread_ts !== undefined && args.thread_ts !== '') {
        // Stricter than Slack, on purpose: a reply to a parent this workspace never had is a bug.
        if (typeof args.thread_ts !== 'string' || !TS.test(args.thread_ts)) return fail('invalid_thread_ts');
        const parent = find(who, args.channel, args.thread_ts);
        if (!parent) return fail('invalid_thread_ts');
        threadTs = parent.thread_ts ?? parent.ts;
      }
      const message: FakeMessage = {
        channel: args.channel,
        ts: nextTs(),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        text: typeof args.text === 'string' ? args.text : '',
        ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
        user: who.botUserId,
        bot_id: who.botId,
        team: who.teamId,
        history: [],
      };
      messages.push(message);
      return {
        status: 200,
        body: { ok: true, channel: message.channel, ts: message.ts, message: publicMessage(message) },
      };
    },

    'chat.update': (args, who) => {
      if (!channelExists(args.channel)) return fail('channel_not_found');
      if (typeof args.ts !== 'string' || args.ts === '') return fail('message_not_found');
      const message = find(who, args.channel, args.ts);
      if (!message) return fail('message_not_found');
      if (message.user !== who.botUserId) return fail('cant_update_message');
      const content = contentProblem(args);
      if (content) return content;
      message.history.push({ text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) });
      message.text = typeof args.text === 'string' ? args.text : '';
      if (Array.isArray(args.blocks)) message.blocks = args.blocks;
      return {
        status: 200,
        body: {
          ok: true,
          channel: message.channel,
          ts: message.ts,
          text: message.text,
          message: publicMessage(message),
        },
      };
    },

    'chat.postEphemeral': (args) => {
      const conversation = conversationOf(args.channel);
      if (!visible(conversation) || !channelExists(args.channel)) return fail('channel_not_found');
      if (!isMember(conversation)) return fail('not_in_channel');
      if (typeof args.user !== 'string' || args.user === '') return fail('user_not_in_channel');
      if (conversation.members && !conversation.members.includes(args.user))
        return fail('user_not_in_channel');
      const content = contentProblem(args);
      if (content) return content;
      ephemerals.push({
        channel: args.channel,
        user: args.user,
        text: typeof args.text === 'string' ? args.text : '',
        ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
      });
      return { status: 200, body: { ok: true, message_ts: nextTs() } };
    },

    'conversations.info': (args, who) => {
      const conversation = conversationOf(args.channel);
      if (conversation && !scopes.includes(READ_SCOPES[conversation.kind])) {
        return missingScope(READ_SCOPES[conversation.kind]);
      }
      if (!visible(conversation)) return fail('channel_not_found');
      const { kind } = conversation;
      const channel: Record<string, unknown> = {
        id: args.channel,
        is_channel: kind === 'public' || kind === 'private',
        is_group: false,
        is_im: kind === 'im',
        is_mpim: kind === 'mpim',
        is_private: kind !== 'public',
        is_archived: false,
        context_team_id: who.teamId,
      };
      // Slack's DM objects carry the other person, not is_member.
      if (kind === 'im') channel.user = conversation.members?.find((m) => m !== who.botUserId) ?? null;
      else channel.is_member = isMember(conversation);
      return { status: 200, body: { ok: true, channel } };
    },

    'conversations.open': (args, who) => {
      const users = typeof args.users === 'string' ? args.users.split(',').filter(Boolean) : [];
      if (users.length === 0) return fail('users_list_not_supplied');
      if (users.length > 1) return fail('method_not_supported_for_channel_type');
      const user = users[0] as string;
      for (const [id, c] of conversations) {
        if (c.kind === 'im' && isMember(c) && c.members?.includes(user)) {
          return { status: 200, body: { ok: true, channel: { id } } };
        }
      }
      const id = `D0BOT${String(++dmCounter).padStart(5, '0')}`;
      conversations.set(id, { kind: 'im', botMember: true, members: [user, who.botUserId] });
      return { status: 200, body: { ok: true, channel: { id } } };
    },

    'views.open': (args, who) => openView(args, who),
    'views.push': (args, who) => openView(args, who),

    'views.update': (args, who) => {
      const view = views.find(
        (v) => v.id === args.view_id || (args.external_id && v.view.external_id === args.external_id),
      );
      if (!view) return fail('not_found');
      if (typeof args.hash === 'string' && args.hash !== view.hash) return fail('hash_conflict');
      const problem = viewProblem(args.view);
      if (problem)
        return fail('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${problem}`] } });
      view.view = args.view as Record<string, unknown>;
      view.hash = `${Date.now()}.${++counter}`;
      return { status: 200, body: { ok: true, view: renderView(view, who) } };
    },
  };

  function renderView(view: FakeView, who: FakeWorkspace): Record<string, unknown> {
    return {
      ...view.view,
      id: view.id,
      team_id: who.teamId,
      hash: view.hash,
      state: { values: {} },
      bot_id: who.botId,
    };
  }

  function openView(args: Record<string, unknown>, who: FakeWorkspace): FakeAnswer {
    if (typeof args.trigger_id !== 'string' || args.trigger_id === '') return fail('invalid_arguments');
    if (!TRIGGER_ID.test(args.trigger_id)) return fail('invalid_trigger_id');
    if (usedTriggers.has(args.trigger_id)) return fail('exchanged_trigger_id');
    const minted = mintedTriggers.get(args.trigger_id);
    if (minted !== undefined && Date.now() - minted > (options.triggerTtlMs ?? 3_000)) {
      return fail('expired_trigger_id');
    }
    const problem = viewProblem(args.view);
    if (problem)
      return fail('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${problem}`] } });
    usedTriggers.add(args.trigger_id);
    const view: FakeView = {
      id: `V${String(++counter).padStart(8, '0')}`,
      trigger_id: args.trigger_id,
      hash: `${Date.now()}.${counter}`,
      view: args.view as Record<string, unknown>,
    };
    views.push(view);
    return { status: 200, body: { ok: true, view: renderView(view, who) } };
  }

  function takeFault(method: string): FakeAnswer | null {
    const queue = faults.get(method);
    const fault = queue?.shift();
    if (!fault) return null;
    if (fault.error === 'ratelimited') {
      return {
        status: 429,
        headers: { 'retry-after': String(fault.retryAfter ?? 1) },
        body: { ok: false, error: 'ratelimited' },
      };
    }
    return { status: fault.status ?? 200, body: { ok: false, error: fault.error } };
  }

  return {
    calls,
    messages,
    views,
    ephemerals,
    teamId,
    botUserId,
    botId,
    conversations,
    /**
     * A trigger_id as Slack puts in a command or click, issued at `issuedAt`: views.open refuses it
     * after the TTL. Trigger ids this fake did not mint are taken as fresh.
     */
    triggerId(issuedAt = Date.now()): string {
      const id = `${Math.floor(issuedAt)}.${++counter}.${Math.random().toString(16).slice(2, 14)}`;
      mintedTriggers.set(id, issuedAt);
      return id;
    },
    failNext(method: string, error: string, extra: Omit<FakeFault, 'error'> = {}): void {
      const queue = faults.get(method) ?? [];
      queue.push({ error, ...extra });
      faults.set(method, queue);
    },
    /** The workspace a token acts in; null when Slack would not take the token. */
    workspaceOf(token: string): FakeWorkspace | null {
      const installedIn = installed.get(token);
      if (installedIn) return installedIn;
      if (options.token ? token !== options.token : !token.startsWith('xoxb-')) return null;
      return home;
    },
    oauth,
    /** `oauth.v2.access`: the app's credentials, not a token, say who calls (Basic auth or fields). */
    exchange(args: Record<string, unknown>, basic: { id: string; secret: string } | null): FakeAnswer {
      const { reply, token, workspace } = oauth.exchange(args, basic);
      if (token && workspace) installed.set(token, workspace);
      return reply;
    },
    handle(method: string, args: Record<string, unknown>, token: string | null): FakeAnswer {
      if (!token) return fail('not_authed');
      const who = this.workspaceOf(token);
      if (!who) return fail('invalid_auth');
      const fault = takeFault(method);
      if (fault) return fault;
      const needed = METHOD_SCOPES[method];
      if (needed && !scopes.includes(needed)) return missingScope(needed);
      const handler = methods[method];
      const answer = handler ? handler(args, who) : fail('unknown_method');
      // Slack names the token's scopes on every answer (@slack/web-api reads them).
      return { ...answer, headers: { ...answer.headers, 'x-oauth-scopes': scopes.join(',') } };
    },
  };
}

export type FakeState = ReturnType<typeof createFakeState>;
