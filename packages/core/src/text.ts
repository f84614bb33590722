/**
 * Text Moloni and Airtable cannot store: a lone UTF-16 surrogate (`"\ud800"` is valid JSON, but no
 * Unicode text), a C0 control other than tab, line feed and carriage return, DEL, or a
 * noncharacter (U+FFFE, U+FFFF). A request carrying any of them is refused, naming the field.
 */
const MALFORMED =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/;

export function isStorableText(text: string): boolean {
  return !MALFORMED.test(text);
}

/** The paths of every string (and object key) of a decoded JSON value that is not storable text. */
export function malformedTextPaths(
  value: unknown,
  path: Array<string | number> = [],
): Array<Array<string | number>> {
  if (typeof value === 'string') return isStorableText(value) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => malformedTextPaths(item, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) =>
      isStorableText(key) ? malformedTextPaths(item, [...path, key]) : [path],
    );
  }
  return [];
}
