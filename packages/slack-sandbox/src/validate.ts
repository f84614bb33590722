/**
 * Checks the fake applies to what it receives, taken from Slack's documented limits
 * (reference §4): enough that a message Slack would refuse is refused here too.
 */

const BLOCK_TYPES = new Set([
  'section',
  'header',
  'context',
  'actions',
  'divider',
  'input',
  'image',
  'rich_text',
  'file',
  'video',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textProblem(value: unknown, max: number, where: string): string | null {
  if (!isRecord(value)) return `${where} must be a text object`;
  if (value.type !== 'plain_text' && value.type !== 'mrkdwn') return `${where} has an unknown text type`;
  if (typeof value.text !== 'string' || value.text.length === 0) return `${where} must have text`;
  if (value.text.length > max) return `${where} must be at most ${max} characters`;
  return null;
}

function elementProblem(element: unknown, where: string): string | null {
  if (!isRecord(element) || typeof element.type !== 'string') return `${where} must have a type`;
  if (element.type === 'button') {
    const text = textProblem(element.text, 75, `${where}.text`);
    if (text) return text;
    if (typeof element.action_id === 'string' && element.action_id.length > 255)
      return `${where}.action_id is too long`;
    if (element.value !== undefined && (typeof element.value !== 'string' || element.value.length > 2000)) {
      return `${where}.value must be a string of at most 2000 characters`;
    }
    if (element.url !== undefined) {
      if (typeof element.url !== 'string' || element.url.length > 3000 || !/^https?:\/\//.test(element.url)) {
        return `${where}.url must be an http(s) URL of at most 3000 characters`;
      }
    }
  }
  if (element.type === 'static_select' || element.type === 'radio_buttons') {
    // Option objects: text ≤ 75, value ≤ 150; at most 100 options in a select, 10 radio buttons.
    const max = element.type === 'static_select' ? 100 : 10;
    if (!Array.isArray(element.options) || element.options.length === 0 || element.options.length > max) {
      return `${where}.options must have 1 to ${max} options`;
    }
    const values = new Set<string>();
    for (const [i, option] of element.options.entries()) {
      if (!isRecord(option)) return `${where}.options[${i}] must be an object`;
      const text = textProblem(option.text, 75, `${where}.options[${i}].text`);
      if (text) return text;
      if (typeof option.value !== 'string' || option.value.length === 0 || option.value.length > 150) {
        return `${where}.options[${i}].value must be 1 to 150 characters`;
      }
      values.add(option.value);
    }
    if (element.initial_option !== undefined) {
      const initial = element.initial_option;
      if (!isRecord(initial) || typeof initial.value !== 'string' || !values.has(initial.value)) {
        return `${where}.initial_option must be one of the options`;
      }
    }
  }
  return null;
}

/** The first problem of a `blocks` array, or null. */
export function blocksProblem(blocks: unknown, maxBlocks: number): string | null {
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > maxBlocks) return `no more than ${maxBlocks} blocks allowed`;
  const ids = new Set<string>();
  for (const [index, block] of blocks.entries()) {
    const where = `blocks[${index}]`;
    if (!isRecord(block) || typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) {
      return `${where} has an unknown type`;
    }
    if (typeof block.block_id === 'string') {
      if (ids.has(block.block_id)) return `${where} repeats block_id ${block.block_id}`;
      ids.add(block.block_id);
    }
    if (block.type === 'section') {
      if (block.text === undefined && block.fields === undefined) return `${where} must have text or fields`;
      if (block.text !== undefined) {
        const problem = textProblem(block.text, 3000, `${where}.text`);
        if (problem) return problem;
      }
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length > 10)
          return `${where}.fields must be at most 10`;
        for (const [i, field] of block.fields.entries()) {
          const problem = textProblem(field, 2000, `${where}.fields[${i}]`);
          if (problem) return problem;
        }
      }
      if (block.accessory !== undefined) {
        const problem = elementProblem(block.accessory, `${where}.accessory`);
        if (problem) return problem;
      }
    }
    if (block.type === 'header') {
      const problem = textProblem(block.text, 150, `${where}.text`);
      if (problem) return problem;
    }
    if (block.type === 'context') {
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) {
        return `${where}.elements must have 1 to 10 elements`;
      }
      for (const [i, element] of block.elements.entries()) {
        const problem = textProblem(element, 3000, `${where}.elements[${i}]`);
        if (problem) return problem;
      }
    }
    if (block.type === 'actions') {
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25) {
        return `${where}.elements must have 1 to 25 elements`;
      }
      for (const [i, element] of block.elements.entries()) {
        const problem = elementProblem(element, `${where}.elements[${i}]`);
        if (problem) return problem;
      }
    }
    if (block.type === 'input') {
      if (typeof block.block_id !== 'string')
        return `${where}: input blocks need a block_id to read their state`;
      const problem =
        textProblem(block.label, 2000, `${where}.label`) ?? elementProblem(block.element, `${where}.element`);
      if (problem) return problem;
    }
  }
  return null;
}

/** The first problem of a modal view, or null (https://docs.slack.dev/reference/views/modal-views). */
export function viewProblem(view: unknown): string | null {
  if (!isRecord(view)) return 'view must be an object';
  if (view.type !== 'modal') return 'view.type must be modal';
  const title = textProblem(view.title, 24, 'view.title');
  if (title) return title;
  if (isRecord(view.title) && view.title.type !== 'plain_text') return 'view.title must be plain_text';
  const blocks = blocksProblem(view.blocks, 100);
  if (blocks) return blocks;
  const hasInputs =
    Array.isArray(view.blocks) && view.blocks.some((block) => isRecord(block) && block.type === 'input');
  if (hasInputs && view.submit === undefined) return 'view.submit is required when the view has input blocks';
  if (view.submit !== undefined) {
    const submit = textProblem(view.submit, 24, 'view.submit');
    if (submit) return submit;
  }
  if (typeof view.callback_id === 'string' && view.callback_id.length > 255)
    return 'view.callback_id is too long';
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) {
    return 'view.private_metadata must be at most 3000 characters';
  }
  return null;
}

export const CHANNEL_ID = /^[CDG][A-Z0-9]{2,20}$/;
export const TS = /^\d{10}\.\d{6}$/;
