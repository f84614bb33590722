import type { AddressInfo } from 'node:net';
import { type FaturadorError, parseInvoiceRequest, VAT_RATES, type ValidationIssue } from '@faturador/core';
import { type BillingClient, createBillingClient } from '@faturador/sdk';
import {
  canonicalInvoiceBody,
  decodeRetryValue,
  type Locale,
  PDF_ACTION_ID,
  RETRY_ACTION_ID,
} from '@faturador/slack-web';
import { createRedis } from '@faturador/store';
import { App, type BlockButtonAction, type CustomRoute } from '@slack/bolt';
import { mayIssue } from './access.ts';
import { createMemorySeen, createRedisSeen, type SeenStore } from './dedupe.ts';
import { registerDocumentActions } from './document-actions.ts';
import type { SlackAppConfig } from './env.ts';
import { createIssuer } from './issue.ts';
import { boltLogger, createLogger, type Logger } from './logger.ts';
import {
  ADD_LINE_ACTION_ID,
  BLOCK,
  invoiceModal,
  MAX_MODAL_LINES,
  MODAL_CALLBACK_ID,
  modalErrors,
  readMetadata,
  readSubmission,
} from './modal.ts';
import { createPreviews } from './preview-actions.ts';
import { parseCommandText } from './quick.ts';
import { reachFor } from './reach.ts';
import { issuesText } from './reasons.ts';
import { slackErrorCode } from './slack-errors.ts';
import { botTexts } from './texts.ts';
import { type BillingFor, installationsIn, oauthAppOptions, teamBilling } from './workspaces.ts';

export const COMMAND = '/fatura';

export interface SlackAppDeps {
  /** Built from `config.api` when absent; single-token mode only (OAuth mode: each workspace's own). */
  billing?: BillingClient;
  logger?: Logger;
  /** Which interactions were already taken: in Redis with `config.redis`, else in memory. */
  seen?: SeenStore;
}

export interface SlackBot {
  app: App;
  /** Listens (HTTP mode: on `port`, 0 for any) or connects (Socket Mode). */
  start(port?: number): Promise<{ port: number | null }>;
  stop(): Promise<void>;
}

const healthz: CustomRoute = {
  path: '/healthz',
  method: ['GET'],
  handler: (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  },
};

function invalidRequestText(error: FaturadorError, locale: Locale): string {
  const issues = (error.details?.issues ?? []) as ValidationIssue[];
  return issues.length === 0 ? error.message : issuesText(issues, locale);
}

// A placeholder that passes the reference rules: the real one is made from the parent's ts.
const CHECK_REFERENCE = 'SLACK-CHECK';

/** Single-token mode: one client, the bot's own, for the one workspace. */
function singleClient(config: SlackAppConfig, billing: BillingClient | undefined): BillingFor {
  const client =
    billing ??
    createBillingClient({
      baseUrl: config.api.url,
      clientId: config.api.clientId,
      apiKey: config.api.apiKey,
      apiSecret: config.api.apiSecret,
      signed: config.api.signed,
    });
  return async () => client;
}

export function createSlackApp(config: SlackAppConfig, deps: SlackAppDeps = {}): SlackBot {
  const logger = deps.logger ?? createLogger(config.logLevel);
  if (config.oauth && !config.redis)
    throw new Error('OAuth mode needs Redis (REDIS_URL): the installations are kept there');
  // OAuth mode keeps its installations there, whatever remembers interactions.
  const redis =
    (!deps.seen || config.oauth) && config.redis ? createRedis(config.redis.url, 'request') : null;
  const seen =
    deps.seen ??
    (redis && config.redis
      ? createRedisSeen(redis, {
          prefix: config.redis.prefix,
          onError: (error) =>
            logger.warn({ err: String(error) }, 'Redis did not answer; taking the interaction'),
        })
      : createMemorySeen());
  const installations =
    config.oauth && redis && config.redis ? installationsIn(redis, config.redis.prefix, config.oauth) : null;
  const billingFor: BillingFor = installations
    ? teamBilling(config, installations)
    : singleClient(config, deps.billing);
  const issuer = createIssuer({ billingFor, logger, locale: config.locale });
  const previews = createPreviews({ issuer, logger, seen, config });
  const t = botTexts(config.locale);

  const app = new App({
    // OAuth mode: Bolt authorizes each request with its workspace's token from the installations.
    ...(config.oauth && installations
      ? oauthAppOptions({ ...config, oauth: config.oauth }, installations, logger)
      : { token: config.botToken }),
    ...(config.socketMode
      ? { socketMode: true, appToken: config.appToken }
      : { signingSecret: config.signingSecret, processBeforeResponse: false }),
    port: config.port,
    customRoutes: [healthz],
    logger: boltLogger(logger),
    deferInitialization: true,
    clientOptions: {
      ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
      // A few quick retries: a person is waiting in the channel, and the worker retries deliveries.
      retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1_000 },
    },
  });

  app.command(COMMAND, async ({ command, ack, respond, client, context }) => {
    const intent = parseCommandText(command.text ?? '', config.locale, config.fiscalZone);
    if (intent.kind === 'help')
      return ack({ response_type: 'ephemeral', text: t.help(VAT_RATES[config.fiscalZone], config.preview) });
    if (intent.kind === 'error') return ack({ response_type: 'ephemeral', text: intent.message });
    if (!mayIssue(config, { userId: command.user_id, channel: command.channel_id })) {
      return ack({ response_type: 'ephemeral', text: t.notAllowed });
    }
    // Before any form or preview: nothing is offered that this workspace could not issue.
    if (!(await billingFor(command.team_id))) {
      return ack({ response_type: 'ephemeral', text: t.notBound(command.team_id) });
    }
    // trigger_id is unique per invocation: a redelivery of the same payload is answered and dropped.
    if (!(await seen.first(`cmd:${command.team_id}:${command.trigger_id}`))) {
      logger.info({ retryNum: context.retryNum ?? null }, 'duplicate /fatura delivery ignored');
      return ack();
    }
    if (intent.kind === 'modal') {
      await ack();
      // The trigger_id expires 3 s after the command: the modal opens before anything slow.
      await client.views
        .open({
          trigger_id: command.trigger_id,
          view: invoiceModal({
            channel: command.channel_id,
            locale: config.locale,
            lines: 1,
            zone: config.fiscalZone,
          }),
        })
        .catch(async (error: unknown) => {
          const code = slackErrorCode(error);
          logger.warn({ slackError: code }, 'views.open failed');
          await respond({
            response_type: 'ephemeral',
            text: code === 'expired_trigger_id' ? t.expiredTrigger : t.openModalFailed,
          });
        });
      return;
    }
    const checked = parseInvoiceRequest({ ...intent.draft, reference: CHECK_REFERENCE });
    if (!checked.ok) {
      return ack({
        response_type: 'ephemeral',
        text: `${t.invalidRequest}\n${invalidRequestText(checked.error, config.locale)}`,
      });
    }
    const idempotencyKey = `slack:${command.team_id}:${command.trigger_id}`;
    if (config.preview) {
      // What Emitir will send: the canonical body, its reference made later from the parent's ts.
      const { reference: _placeholder, ...draft } = canonicalInvoiceBody(checked.value);
      return ack({
        response_type: 'ephemeral',
        ...previews.message({
          teamId: command.team_id,
          channel: command.channel_id,
          userId: command.user_id,
          idempotencyKey,
          request: checked.value,
          draft,
        }),
      });
    }
    await ack();
    await issuer.start(client, {
      channel: command.channel_id,
      userId: command.user_id,
      teamId: command.team_id,
      idempotencyKey,
      draft: intent.draft,
      notify: async (text) => {
        await respond({ response_type: 'ephemeral', text });
      },
    });
  });

  app.view(MODAL_CALLBACK_ID, async ({ ack, view, body, client }) => {
    const metadata = readMetadata(view);
    if (!metadata) return ack();
    const texts = botTexts(metadata.locale);
    if (!mayIssue(config, { userId: body.user.id, channel: metadata.channel })) {
      return ack({ response_action: 'errors', errors: { [BLOCK.name]: texts.modal.notAllowed } });
    }
    const submission = readSubmission(view.state.values, metadata);
    if (!submission.ok) return ack({ response_action: 'errors', errors: submission.errors });
    const checked = parseInvoiceRequest({ ...submission.draft, reference: CHECK_REFERENCE });
    if (!checked.ok) {
      return ack({
        response_action: 'errors',
        errors: modalErrors(checked.error, submission.lines, metadata.locale),
      });
    }
    // Before the form closes: a private channel or a DM the bot is not in would swallow the result.
    const reach = await reachFor(client, metadata.channel, body.user.id);
    if (reach.kind === 'none') {
      logger.info({ reason: reach.reason, slackError: reach.error }, 'nowhere to post the result');
      return ack({ response_action: 'errors', errors: { [BLOCK.name]: texts.unreachable[reach.reason] } });
    }
    const team = body.team?.id ?? view.team_id;
    // Only a submission that passed validation is remembered: a corrected one must go through.
    if (!(await seen.first(`view:${team}:${view.id}`))) return ack();
    await ack();
    const dm = reach.kind === 'dm' ? { channel: reach.channel, reason: reach.reason } : undefined;
    await issuer.start(client, {
      channel: metadata.channel,
      ...(dm ? { dm } : {}),
      userId: body.user.id,
      teamId: team,
      idempotencyKey: `slack:${team}:view:${view.id}`,
      draft: submission.draft,
      notify: async (text) => {
        await (dm
          ? client.chat.postMessage({ channel: dm.channel, text })
          : client.chat.postEphemeral({ channel: metadata.channel, user: body.user.id, text })
        ).catch(() => logger.warn('could not tell the requester'));
      },
    });
  });

  // "Adicionar linha": the same form with one more line. Slack keeps what was typed in inputs whose
  // block_id and action_id stay the same; the hash makes a double click add one line, not two.
  app.action<BlockButtonAction>({ action_id: ADD_LINE_ACTION_ID }, async ({ ack, body, client }) => {
    await ack();
    const view = body.view;
    const metadata = view ? readMetadata(view) : null;
    if (!view || !metadata || metadata.lines >= MAX_MODAL_LINES) return;
    await client.views
      .update({
        view_id: view.id,
        hash: view.hash,
        view: invoiceModal({ ...metadata, lines: metadata.lines + 1 }),
      })
      .catch((error: unknown) =>
        logger.info({ err: error instanceof Error ? error.message : String(error) }, 'line not added'),
      );
  });

  app.action<BlockButtonAction>(
    { action_id: RETRY_ACTION_ID },
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const notify = async (text: string) => {
        await respond({ response_type: 'ephemeral', replace_original: false, text });
      };
      const payload = decodeRetryValue(action.value ?? '');
      // The value must belong to the thread it was clicked in.
      if (!payload || (body.channel?.id !== undefined && body.channel.id !== payload.origin.channel)) {
        return notify(t.retryInvalid);
      }
      if (!mayIssue(config, { userId: body.user.id, channel: payload.origin.channel }))
        return notify(t.notAllowed);
      const message = body.message;
      await issuer.retry(client, {
        payload,
        clickerId: body.user.id,
        reply: message
          ? { ts: message.ts, text: message.text ?? '', blocks: (message.blocks as unknown[]) ?? [] }
          : null,
        notify,
      });
    },
  );

  // Emitir and Cancelar under a `/fatura <text>` preview.
  previews.register(app);

  // Finalizar, Anular, Registar pagamento, Enviar por e-mail under an issued document.
  registerDocumentActions(app, { billingFor, logger, seen, config });

  // An uninstalled workspace's token is dead: its installation goes, its client binding stays.
  if (installations) {
    app.event('app_uninstalled', async ({ context }) => {
      if (!context.teamId) return;
      await installations.deleteInstallation(context.teamId);
      logger.info({ teamId: context.teamId }, 'Slack app uninstalled');
    });
  }

  // A link button still sends an action; acknowledging it keeps Slack from showing a warning.
  app.action(PDF_ACTION_ID, async ({ ack }) => ack());

  app.error(async (error) => {
    logger.error({ err: error.message, code: error.code }, 'unhandled error in a Slack listener');
  });

  return {
    app,
    async start(port = config.port) {
      await app.init();
      const started: unknown = await app.start(port);
      const address =
        typeof started === 'object' &&
        started !== null &&
        'address' in started &&
        typeof started.address === 'function'
          ? (started.address() as AddressInfo | string | null)
          : null;
      const listening = typeof address === 'object' && address !== null ? address.port : null;
      logger.info({ mode: config.socketMode ? 'socket' : 'http', port: listening }, 'Slack bot started');
      return { port: listening };
    },
    async stop() {
      try {
        await app.stop();
      } finally {
        redis?.disconnect();
      }
    },
  };
}
