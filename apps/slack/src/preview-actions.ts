import type { InvoiceRequest } from '@faturador/core';
import { mention } from '@faturador/slack-web';
import type { App, BlockButtonAction, RespondFn, webApi } from '@slack/bolt';
import { mayIssue } from './access.ts';
import type { SeenStore } from './dedupe.ts';
import type { SlackAppConfig } from './env.ts';
import type { Issuer } from './issue.ts';
import type { Logger } from './logger.ts';
import { PREVIEW_CANCEL_ACTION_ID, PREVIEW_ISSUE_ACTION_ID, previewMessage } from './preview.ts';
import { createPreviewSigner, type PreviewTicket } from './preview-value.ts';
import type { DraftInvoice } from './quick.ts';
import { botTexts } from './texts.ts';

type WebClient = webApi.WebClient;

export interface PreviewDeps {
  issuer: Issuer;
  logger: Logger;
  seen: SeenStore;
  config: Pick<
    SlackAppConfig,
    'allowedChannels' | 'allowedUsers' | 'locale' | 'signingSecret' | 'appToken' | 'botToken'
  >;
}

export interface PreviewInput {
  teamId: string;
  channel: string;
  userId: string;
  idempotencyKey: string;
  /** The validated request (placeholder reference): what is shown. */
  request: InvoiceRequest;
  /** Its canonical body without the reference: what Emitir sends. */
  draft: DraftInvoice;
}

/**
 * A preview is taken (issued or cancelled) once, remembered in the seen store: its memory lasts
 * an hour, so a preview must not outlive it, or a late second click could post a second parent.
 */
export const PREVIEW_TTL_MS = 30 * 60 * 1000;

const MAX_REMEMBERED = 1_000;

/**
 * `/fatura <text>` with a confirmation: the private preview, and its Emitir / Cancelar buttons.
 * Emitir issues the previewed body with the key of the command that made the preview, through
 * the same issuer as an immediate `/fatura`.
 */
export function createPreviews(deps: PreviewDeps) {
  const { config, logger, seen, issuer } = deps;
  const t = botTexts(config.locale);
  // Every configuration has one of these (HTTP mode needs the signing secret, Socket Mode the app token).
  const signer = createPreviewSigner(config.signingSecret ?? config.appToken ?? config.botToken);
  // Drafts too large for a button value: only this process can issue them.
  const oversized = new Map<string, DraftInvoice>();

  function keep(key: string, draft: DraftInvoice): void {
    oversized.set(key, draft);
    const oldest = oversized.keys().next();
    if (oversized.size > MAX_REMEMBERED && !oldest.done) oversized.delete(oldest.value);
  }

  /** The preview's ticket when this click may act on it, else why not. */
  function ticketFor(click: BlockButtonAction, value: string): PreviewTicket | { refusal: string } {
    const ticket = signer.decode(value);
    if (!ticket) return { refusal: t.preview.invalid };
    if (click.user.id !== ticket.userId) return { refusal: t.preview.notYours(mention(ticket.userId)) };
    const team = click.team?.id ?? click.user.team_id;
    if (team !== ticket.teamId || (click.channel && click.channel.id !== ticket.channel))
      return { refusal: t.preview.invalid };
    if (Date.now() - ticket.createdAt > PREVIEW_TTL_MS) return { refusal: t.preview.expired };
    if (!mayIssue(config, { userId: click.user.id, channel: ticket.channel }))
      return { refusal: t.notAllowed };
    return ticket;
  }

  /** Only the clicker sees it, and the preview stays as it was. */
  const tellFor = (respond: RespondFn) => async (text: string) => {
    await respond({ response_type: 'ephemeral', replace_original: false, text });
  };

  async function onIssue(click: BlockButtonAction, value: string, respond: RespondFn, client: WebClient) {
    const tell = tellFor(respond);
    const ticket = ticketFor(click, value);
    if ('refusal' in ticket) return tell(ticket.refusal);
    const draft = ticket.draft ?? oversized.get(ticket.idempotencyKey);
    if (!draft) return tell(t.preview.invalid);
    // A second click, or Slack re-sending this one, must not post a second parent message.
    if (!(await seen.first(`preview:${ticket.idempotencyKey}`))) return tell(t.preview.used);
    oversized.delete(ticket.idempotencyKey);
    logger.info({ idempotencyKey: ticket.idempotencyKey }, 'preview confirmed');
    await respond({ replace_original: true, text: t.preview.issuing });
    await issuer.start(client, {
      channel: ticket.channel,
      userId: ticket.userId,
      teamId: ticket.teamId,
      idempotencyKey: ticket.idempotencyKey,
      draft,
      notify: tell,
    });
  }

  async function onCancel(click: BlockButtonAction, value: string, respond: RespondFn) {
    const tell = tellFor(respond);
    const ticket = ticketFor(click, value);
    if ('refusal' in ticket) return tell(ticket.refusal);
    // Taken like an issuance: an Emitir clicked after Cancelar (a stale copy) issues nothing.
    if (!(await seen.first(`preview:${ticket.idempotencyKey}`))) return tell(t.preview.used);
    oversized.delete(ticket.idempotencyKey);
    await respond({ replace_original: true, text: t.preview.cancelled });
  }

  return {
    /** The ephemeral answer to the command. */
    message(input: PreviewInput) {
      const ticket: PreviewTicket = {
        idempotencyKey: input.idempotencyKey,
        teamId: input.teamId,
        channel: input.channel,
        userId: input.userId,
        createdAt: Date.now(),
        draft: input.draft,
      };
      const { value, withDraft } = signer.encode(ticket);
      if (!withDraft) keep(input.idempotencyKey, input.draft);
      return previewMessage(input.request, value, config.locale);
    },

    register(app: App): void {
      app.action<BlockButtonAction>(
        { action_id: PREVIEW_ISSUE_ACTION_ID },
        async ({ ack, body, action, respond, client }) => {
          await ack();
          await onIssue(body, action.value ?? '', respond, client);
        },
      );
      app.action<BlockButtonAction>(
        { action_id: PREVIEW_CANCEL_ACTION_ID },
        async ({ ack, body, action, respond }) => {
          await ack();
          await onCancel(body, action.value ?? '', respond);
        },
      );
    },
  };
}
