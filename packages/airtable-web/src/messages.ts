import { explainError, type SerializedError } from '@faturador/core';

/**
 * What a record's error field says, in the words of the people who read it (core's one table of
 * error texts, by code), then the code and the original message, so support can find the request.
 */
export function describeErrorInPortuguese(error: Pick<SerializedError, 'code' | 'message'>): string {
  // Our own validation messages are already Portuguese and complete: repeating the code adds nothing.
  if (error.code === 'VALIDATION_ERROR' && error.message.startsWith('O registo ')) return error.message;
  // The title only: the actions of the table speak of Slack's `/fatura`.
  return `${explainError(error.code, 'pt').title}\n(${error.code}: ${error.message})`;
}
