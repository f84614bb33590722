// How Moloni reads a call: PHP query flags, and a body that is JSON or a PHP form by the `json`
// flag. The rest of the HTTP plumbing is @faturador/sandbox-kit's.
import type { SandboxContext } from '@faturador/sandbox-kit';
import { parsePhpForm } from './form.ts';
import type { Params } from './params.ts';

/** PHP reads `?json=true`, `?json=1`… as truthy. */
export function queryFlag(url: URL, name: string): boolean {
  const value = url.searchParams.get(name);
  return value !== null && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

export class BodyParseError extends Error {}

/**
 * The call's parameters: a JSON object with `json=true`, else a PHP form body — whatever the
 * Content-Type says, as Moloni decides by the query flag.
 */
export async function readParams(c: SandboxContext, json: boolean): Promise<Params> {
  const text = await c.req.text();
  if (!json) return parsePhpForm(text);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BodyParseError('The request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BodyParseError('The JSON body must be an object');
  }
  return parsed as Params;
}
