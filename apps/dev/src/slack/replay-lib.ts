import {
  buttonClickPayload,
  interactionBody,
  PREVIEW_ISSUE_ACTION_ID,
  sendSigned,
  slashCommandBody,
} from '@faturador/slack';
import type { FakeMessage } from '@faturador/slack-sandbox';
import type { ReplayConfig } from './env.ts';

export interface ReplayOptions extends ReplayConfig {
  /** What follows `/fatura`. */
  text: string;
  /** Progress lines; silent by default. */
  log?: (line: string) => void;
  pollMs?: number;
}

export interface ReplayOutcome {
  /** HTTP status of the bot's answer to the signed command (200 when Bolt accepted it). */
  status: number;
  /** The ack body: empty, the preview, or an ephemeral answer (help, refusal, a mistake in the text). */
  ack: string;
  /** The bot answered with a preview, and its Emitir was pressed. */
  previewed: boolean;
  parent: FakeMessage | null;
  replies: FakeMessage[];
  /** What the bot posted to the command's response_url (ephemeral notices). */
  responses: unknown[];
  /** `FR M/32` when the thread reply announces an issued document. */
  documentNumber: string | null;
  finished: boolean;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

export function documentNumberOf(replies: FakeMessage[]): string | null {
  for (const reply of replies) {
    const match = /\b(F[RTS] [^\s/]+\/\d+)/.exec(reply.text);
    if (match?.[1]) return match[1];
  }
  return null;
}

const isFinal = (message: FakeMessage) => /^(✅|❌|⚠️)/.test(message.text);

/** The value of the Emitir button when the ack is the bot's preview of the command. */
function previewIssueValue(ack: string): string | null {
  let answer: { blocks?: Array<{ type: string; elements?: Array<{ action_id: string; value?: string }> }> };
  try {
    answer = JSON.parse(ack);
  } catch {
    return null;
  }
  for (const block of answer.blocks ?? []) {
    const button = block.elements?.find((element) => element.action_id === PREVIEW_ISSUE_ACTION_ID);
    if (block.type === 'actions' && button?.value) return button.value;
  }
  return null;
}

/** Presses Emitir on the private preview, as the requester would. */
async function pressIssue(options: ReplayOptions, value: string, responseUrl: string): Promise<number> {
  const payload = buttonClickPayload({
    team: options.team,
    user: options.user,
    channel: options.channel,
    actionId: PREVIEW_ISSUE_ACTION_ID,
    value,
    label: 'Emitir',
    responseUrl,
    message: { ephemeral: true },
  });
  const response = await sendSigned(options.botUrl, interactionBody(payload), {
    signingSecret: options.signingSecret,
  });
  return response.status;
}

/** The preview replaced by "A emitir…" is no outcome: the parent and its thread follow. */
const isNotice = (body: unknown) =>
  !(typeof body === 'object' && body !== null && 'replace_original' in body && body.replace_original);

/**
 * Sends the bot a real, signed slash-command payload (as Slack would), presses Emitir when the bot
 * answers with its preview, then watches the fake Slack server until the parent message is final
 * and its thread has the reply.
 */
export async function replaySlashCommand(options: ReplayOptions): Promise<ReplayOutcome> {
  const log = options.log ?? (() => {});
  const responseId = `replay-${Date.now()}`;
  const known = new Set(
    (await getJson<FakeMessage[]>(`${options.fakeSlackUrl}/_fake/messages`)).map((m) => m.ts),
  );
  const body = slashCommandBody({
    text: options.text,
    channel: options.channel,
    user: options.user,
    team: options.team,
    responseUrl: `${options.fakeSlackUrl}/respond/${responseId}`,
  });
  log(`POST ${options.botUrl}  /fatura ${options.text}`);
  const response = await sendSigned(options.botUrl, body, { signingSecret: options.signingSecret });
  const ack = await response.text();
  log(`bot answered HTTP ${response.status}${ack ? `: ${ack}` : ''}`);

  const issueValue = response.status === 200 ? previewIssueValue(ack) : null;
  const outcome: ReplayOutcome = {
    status: response.status,
    ack,
    previewed: issueValue !== null,
    parent: null,
    replies: [],
    responses: [],
    documentNumber: null,
    finished: false,
  };
  if (response.status !== 200 || (ack !== '' && issueValue === null)) return { ...outcome, finished: true };
  const clickId = `${responseId}-emitir`;
  if (issueValue !== null) {
    const status = await pressIssue(options, issueValue, `${options.fakeSlackUrl}/respond/${clickId}`);
    log(`preview shown; pressed Emitir, bot answered HTTP ${status}`);
  }

  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    const messages = await getJson<FakeMessage[]>(`${options.fakeSlackUrl}/_fake/messages`);
    const responses = await getJson<Array<{ id: string; body: unknown }>>(
      `${options.fakeSlackUrl}/_fake/responses`,
    );
    outcome.responses = responses.filter((r) => r.id === responseId || r.id === clickId).map((r) => r.body);
    outcome.parent =
      messages.find((m) => m.channel === options.channel && !m.thread_ts && !known.has(m.ts)) ?? null;
    const parent = outcome.parent;
    outcome.replies = parent
      ? messages.filter((m) => m.channel === parent.channel && m.thread_ts === parent.ts)
      : [];
    outcome.documentNumber = documentNumberOf(outcome.replies);
    if (
      (parent && isFinal(parent) && outcome.replies.length > 0) ||
      (!parent && outcome.responses.some(isNotice))
    ) {
      return { ...outcome, finished: true };
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
  return outcome;
}
