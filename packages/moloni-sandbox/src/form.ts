// Moloni is a PHP application: without `json=true` it reads the body the way PHP's `parse_str`
// does, so `products[0][taxes][0][tax_id]=1` arrives as nested arrays. This is that parser (and
// its inverse, for tests and clients that want to send form bodies).

export type FormValue = string | FormValue[] | { [key: string]: FormValue };

type FormObject = { [key: string]: FormValue };

/** Splits `a[b][c]` into `['a', 'b', 'c']`; `a[]` yields an empty segment (append). */
function keySegments(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const segments = [key.slice(0, open)];
  let rest = key.slice(open);
  while (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) break;
    segments.push(rest.slice(1, close));
    rest = rest.slice(close + 1);
  }
  return segments;
}

function isObject(value: FormValue | undefined): value is FormObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nextIndex(target: FormObject): string {
  let max = -1;
  for (const key of Object.keys(target)) {
    if (/^\d+$/.test(key)) max = Math.max(max, Number(key));
  }
  return String(max + 1);
}

function assign(target: FormObject, segments: string[], value: string): void {
  let node = target;
  for (let i = 0; i < segments.length; i++) {
    const raw = segments[i] ?? '';
    const key = raw === '' ? nextIndex(node) : raw;
    if (i === segments.length - 1) {
      node[key] = value;
      return;
    }
    const child = node[key];
    if (isObject(child)) {
      node = child;
    } else {
      // PHP replaces a scalar with an array when a later key nests under it.
      const created: FormObject = {};
      node[key] = created;
      node = created;
    }
  }
}

/** Objects whose keys are all array indexes become arrays, in index order, like a PHP list. */
function listify(value: FormValue): FormValue {
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const entries = keys.map((key) => [key, listify(value[key] ?? '')] as const);
  if (keys.length > 0 && keys.every((key) => /^(0|[1-9]\d*)$/.test(key))) {
    return entries.sort((a, b) => Number(a[0]) - Number(b[0])).map(([, item]) => item);
  }
  return Object.fromEntries(entries);
}

/** Parses an `application/x-www-form-urlencoded` body with PHP-style nested keys. */
export function parsePhpForm(body: string): Record<string, FormValue> {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(body)) {
    if (key === '') continue;
    assign(root, keySegments(key), value);
  }
  const result: Record<string, FormValue> = {};
  for (const [key, value] of Object.entries(root)) result[key] = listify(value);
  return result;
}

function flatten(prefix: string, value: unknown, out: Array<[string, string]>): void {
  if (value === undefined) return;
  if (value === null) {
    out.push([prefix, '']);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      flatten(`${prefix}[${index}]`, item, out);
    });
  } else if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) flatten(`${prefix}[${key}]`, item, out);
  } else if (typeof value === 'boolean') {
    out.push([prefix, value ? '1' : '0']);
  } else {
    out.push([prefix, String(value)]);
  }
}

/** The inverse of `parsePhpForm`: `{a: [{b: 1}]}` → `a%5B0%5D%5Bb%5D=1`. */
export function encodePhpForm(data: Record<string, unknown>): string {
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(data)) flatten(key, value, pairs);
  return new URLSearchParams(pairs).toString();
}
