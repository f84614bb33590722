import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import {
  createFakeState,
  DEFAULT_SCOPES,
  type FakeApproval,
  type FakeCall,
  type FakeConversation,
  type FakeEphemeral,
  type FakeFault,
  type FakeMessage,
  type FakeOAuthApp,
  type FakeSlackOptions,
  type FakeView,
  type FakeWorkspace,
} from './state.ts';

export type {
  FakeApproval,
  FakeCall,
  FakeConversation,
  FakeEphemeral,
  FakeFault,
  FakeMessage,
  FakeOAuthApp,
  FakeSlackOptions,
  FakeView,
  FakeWorkspace,
};
export { DEFAULT_SCOPES };

export interface FakeResponse {
  id: string;
  body: unknown;
}

/** How many times Slack lets an app use one response_url (https://api.slack.com/interactivity/handling). */
const RESPONSE_URL_USES = 5;

// Fields Slack's form encoding carries as JSON text (the official client encodes objects so).
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata']);

function decodeForm(form: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    if (typeof value !== 'string') continue;
    if (JSON_FIELDS.has(key)) {
      try {
        args[key] = JSON.parse(value);
      } catch {
        args[key] = value;
      }
    } else {
      args[key] = value;
    }
  }
  return args;
}

/** Client id and secret sent as HTTP Basic, as Slack asks of `oauth.v2.access` callers. */
function basicAuth(header: string | undefined): { id: string; secret: string } | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** The fake's stand-in for the person at Slack's authorize page: which workspace they approve for. */
function approvalOf(query: URLSearchParams, fallbackTeam: string): FakeApproval {
  const enterprise = query.get('enterprise');
  return {
    teamId: query.get('team') ?? fallbackTeam,
    teamName: query.get('team_name') ?? undefined,
    userId: query.get('user') ?? undefined,
    ...(enterprise ? { enterprise: { id: enterprise, name: enterprise } } : {}),
  };
}

export interface FakeSlack {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `http://127.0.0.1:PORT/api/` — what `slackApiUrl` / `apiUrl` take. */
  apiUrl: string;
  /** `http://127.0.0.1:PORT/oauth/v2/authorize` — Slack's authorize page, approving at once. */
  authorizeUrl: string;
  /** The app's Redirect URL as set in its Slack configuration (used when the URL names none). */
  setRedirectUrl(url: string): void;
  /** The workspace a bot token acts in (the default one, or the one that installed it); null if refused. */
  workspaceOf(token: string): FakeWorkspace | null;
  teamId: string;
  botUserId: string;
  /** Every Web API call, failed ones included, in order. */
  calls: FakeCall[];
  /** Every message posted, with its edits. */
  messages: FakeMessage[];
  views: FakeView[];
  ephemerals: FakeEphemeral[];
  /** Posts received on response URLs (what Bolt's `respond()` sends). */
  responses: FakeResponse[];
  /** Conversations by id (kind, bot membership); the bot's DMs appear here once opened. */
  conversations: Map<string, FakeConversation>;
  /** A trigger_id issued at `issuedAt` (now by default) that views.open refuses 3 s later. */
  triggerId(issuedAt?: number): string;
  /** A response_url served by this fake. */
  responseUrl(id?: string): string;
  /** The next call of `method` fails with `error` (`ratelimited` → HTTP 429 + Retry-After). */
  failNext(method: string, error: string, options?: Omit<FakeFault, 'error'>): void;
  callsTo(method: string): FakeCall[];
  /** The replies in the thread of a parent message. */
  thread(channel: string, parentTs: string): FakeMessage[];
  /** Resolves with the first truthy value of `probe`, polled every few ms; for asynchronous flows. */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/**
 * A local stand-in for Slack's Web API that checks requests the way Slack does (token, channel,
 * text or blocks, thread_ts, Block Kit limits, single-use trigger_ids) and answers in Slack's
 * shapes, recording everything for assertions. The same records are served as JSON under
 * `/_fake/…` for tools in another process (the replay script).
 */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const state = createFakeState(options);
  const responses: FakeResponse[] = [];
  const app = new Hono();

  app.all('/api/:method', async (c) => {
    const method = c.req.param('method');
    const contentType = c.req.header('content-type') ?? '';
    let args: Record<string, unknown>;
    try {
      if (contentType.startsWith('application/json')) {
        const json: unknown = await c.req.json();
        args =
          typeof json === 'object' && json !== null && !Array.isArray(json)
            ? (json as Record<string, unknown>)
            : {};
      } else if (
        contentType.startsWith('application/x-www-form-urlencoded') ||
        contentType.startsWith('multipart/form-data')
      ) {
        args = decodeForm(await c.req.parseBody());
      } else {
        args = decodeForm(c.req.query());
      }
    } catch {
      return c.json({ ok: false, error: 'invalid_form_data' });
    }
    const header = c.req.header('authorization');
    if (method === 'oauth.v2.access') {
      const answer = state.exchange(args, basicAuth(header));
      const { client_secret: _secret, code: _code, ...shown } = args;
      state.calls.push({
        method,
        args: shown,
        tokenIn: 'none',
        contentType,
        status: answer.status,
        // The token handed out is not recorded: tests read it back through the app's own store.
        response: { ok: answer.body.ok, error: answer.body.error, team: answer.body.team },
        at: Date.now(),
      });
      return c.json(answer.body, 200);
    }
    const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
    const bodyToken = typeof args.token === 'string' ? args.token : null;
    const token = bearer ?? bodyToken;
    const { token: _token, ...recorded } = args;
    const answer = state.handle(method, recorded, token);
    const team = token ? state.workspaceOf(token)?.teamId : undefined;
    state.calls.push({
      method,
      args: recorded,
      tokenIn: bearer ? 'header' : bodyToken ? 'body' : 'none',
      contentType,
      status: answer.status,
      response: answer.body,
      at: Date.now(),
      ...(team ? { team } : {}),
    });
    return c.json(answer.body, answer.status as 200, answer.headers);
  });

  // Slack's page would ask the person; here the query's `team` (fake-only) says what they chose.
  app.get('/oauth/v2/authorize', (c) => {
    const query = new URL(c.req.url).searchParams;
    const outcome = state.oauth.approve(query, approvalOf(query, state.teamId));
    if ('error' in outcome) return c.text(outcome.error, 400);
    return c.redirect(outcome.location, 302);
  });

  app.post('/respond/:id', async (c) => {
    const id = c.req.param('id');
    if (responses.filter((r) => r.id === id).length >= RESPONSE_URL_USES) return c.text('used_url', 404);
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.text('invalid_payload', 400);
    }
    responses.push({ id, body });
    return c.text('ok');
  });

  app.get('/_fake/calls', (c) => c.json(state.calls));
  app.get('/_fake/messages', (c) => c.json(state.messages));
  app.get('/_fake/responses', (c) => c.json(responses));
  app.get('/_fake/views', (c) => c.json(state.views));
  app.post('/_fake/trigger', (c) => c.json({ trigger_id: state.triggerId() }));
  app.post('/_fake/fail', async (c) => {
    const fault = (await c.req.json()) as FakeFault & { method: string };
    state.failNext(fault.method, fault.error, { status: fault.status, retryAfter: fault.retryAfter });
    return c.json({ ok: true });
  });

  const host = options.host ?? '127.0.0.1';
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve, reject) => {
      const server = serve(
        { fetch: app.fetch, port: options.port ?? 0, hostname: host },
        (info: AddressInfo) => resolve({ server, port: info.port }),
      );
      server.once('error', reject);
    },
  );
  const url = `http://${host}:${port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    authorizeUrl: `${url}/oauth/v2/authorize`,
    setRedirectUrl: (redirect) => state.oauth.setRedirectUrl(redirect),
    workspaceOf: (token) => state.workspaceOf(token),
    teamId: state.teamId,
    botUserId: state.botUserId,
    calls: state.calls,
    messages: state.messages,
    views: state.views,
    ephemerals: state.ephemerals,
    responses,
    conversations: state.conversations,
    triggerId: (issuedAt) => state.triggerId(issuedAt),
    responseUrl: (id = 'r1') => `${url}/respond/${encodeURIComponent(id)}`,
    failNext: (method, error, extra) => state.failNext(method, error, extra),
    callsTo: (method) => state.calls.filter((call) => call.method === method),
    thread: (channel, parentTs) =>
      state.messages.filter((m) => m.channel === channel && m.thread_ts === parentTs),
    async waitFor(probe, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = probe();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`fake Slack: condition not met within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
