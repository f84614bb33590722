import { explainError, type SerializedError } from '@faturador/core';

/**
 * What a record's error field says, entirely in the words of the people who read it: core's title
 * for the code (as worded for an Airtable base), Moloni's own descriptions of a refusal (Moloni
 * words them in Portuguese), then the code and the request id, so support can find the request.
 * The API's English message is for programs and stays out.
 */
export function describeErrorInPortuguese(
  error: Pick<SerializedError, 'code' | 'message'> & { details?: SerializedError['details'] },
  requestId: string | null = null,
): string {
  // Our own validation messages are already Portuguese and complete: repeating the code adds nothing.
  if (error.code === 'VALIDATION_ERROR' && error.message.startsWith('O registo ')) return error.message;
  const lines = [explainError(error.code, 'pt', 'airtable').title];
  if (error.code === 'MOLONI_BUSINESS_ERROR') {
    const errors = Array.isArray(error.details?.errors) ? (error.details.errors as unknown[]) : [];
    for (const item of errors) {
      const description = (item as { description?: unknown } | null)?.description;
      if (typeof description === 'string' && description.trim()) lines.push(description.trim());
    }
  }
  lines.push(`(código ${error.code}${requestId ? `, pedido ${requestId}` : ''})`);
  return lines.join('\n');
}
