import type { FakeView } from '@faturador/slack-sandbox';
import { interactionBody, sendSigned } from '../slack-requests.ts';

interface InputBlock {
  type: string;
  block_id?: string;
  element?: {
    type: string;
    options?: Array<{ value: string; text: unknown }>;
    initial_option?: { value: string; text: unknown };
    initial_value?: string;
    initial_date?: string;
  };
}

export interface ViewSubmitOptions {
  /** The bot's `/slack/events`. */
  url: string;
  signingSecret: string;
  teamId: string;
  user: string;
}

/**
 * Sends the signed view_submission Slack sends for the opened view filled in with `fields` (by
 * block_id); a select or radio left alone keeps what it showed, a text input its initial value.
 */
export function submitView(
  view: FakeView,
  fields: Record<string, string>,
  options: ViewSubmitOptions,
): Promise<Response> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const block of view.view.blocks as InputBlock[]) {
    if (block.type !== 'input' || !block.block_id || !block.element) continue;
    const given = fields[block.block_id];
    const element = block.element;
    if (element.type === 'static_select' || element.type === 'radio_buttons') {
      const option = element.options?.find((o) => o.value === given) ?? element.initial_option;
      values[block.block_id] = { value: { type: element.type, selected_option: option ?? null } };
    } else if (element.type === 'datepicker') {
      values[block.block_id] = {
        value: { type: element.type, selected_date: given ?? element.initial_date ?? null },
      };
    } else {
      values[block.block_id] = {
        value: { type: element.type, value: given ?? element.initial_value ?? null },
      };
    }
  }
  const payload = {
    type: 'view_submission',
    team: { id: options.teamId, domain: 'faturador' },
    user: { id: options.user, name: 'ops', team_id: options.teamId },
    api_app_id: 'A0FATURADOR',
    token: 'legacy',
    trigger_id: `${Date.now()}.7.submit`,
    view: { ...view.view, id: view.id, team_id: options.teamId, state: { values }, hash: view.hash },
  };
  return sendSigned(options.url, interactionBody(payload), { signingSecret: options.signingSecret });
}
