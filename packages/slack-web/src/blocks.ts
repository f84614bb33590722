/**
 * The subset of Block Kit this package writes. Structural, so that values built here are
 * accepted where `@slack/types` blocks are expected (Bolt's client) without depending on it.
 */
export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}

export interface Button {
  type: 'button';
  text: PlainText;
  action_id: string;
  value?: string;
  url?: string;
  style?: 'primary' | 'danger';
}

export interface SectionBlock {
  type: 'section';
  block_id?: string;
  text?: Mrkdwn | PlainText;
  fields?: Array<Mrkdwn | PlainText>;
  accessory?: Button;
}

export interface HeaderBlock {
  type: 'header';
  block_id?: string;
  text: PlainText;
}

export interface ContextBlock {
  type: 'context';
  block_id?: string;
  elements: Array<Mrkdwn | PlainText>;
}

export interface ActionsBlock {
  type: 'actions';
  block_id?: string;
  elements: Button[];
}

export interface DividerBlock {
  type: 'divider';
  block_id?: string;
}

export type MessageBlock = SectionBlock | HeaderBlock | ContextBlock | ActionsBlock | DividerBlock;

/** What chat.postMessage / chat.update take besides the channel: `text` is the fallback. */
export interface SlackMessage {
  text: string;
  blocks: MessageBlock[];
}

export const plain = (text: string): PlainText => ({ type: 'plain_text', text, emoji: true });
export const mrkdwn = (text: string): Mrkdwn => ({ type: 'mrkdwn', text });
