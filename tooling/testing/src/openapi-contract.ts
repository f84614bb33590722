import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: its default export is the function itself under Node's ESM interop.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, OpenApiResponse> }>>;
  components?: { schemas?: Record<string, unknown> };
}

interface OpenApiResponse {
  content?: Record<string, { schema?: unknown }>;
}

/** A response as a test received it. */
export interface ReceivedResponse {
  method: string;
  /** The request's path, with or without its query string. */
  path: string;
  status: number;
  contentType: string;
  /** The decoded JSON body (ignored for other media types). */
  body: unknown;
}

export interface ContractChecker {
  /** Throws, naming the operation and every mismatch, when the response is not what the spec says. */
  check(response: ReceivedResponse): void;
}

/** `/api/v1/invoices/{request_id}` matches `/api/v1/invoices/req_…`; a trailing slash is optional. */
function pathMatcher(template: string): RegExp {
  const pattern = template
    .replace(/\/+$/, '')
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${pattern}/?$`);
}

/**
 * Checks answers against an OpenAPI 3.1 document, as a JSON Schema 2020-12 validator reads its
 * schemas. An answer to a path, method or status the document does not declare is a mismatch
 * too: the spec must describe every answer the API gives.
 */
export function createContractChecker(document: object): ContractChecker {
  const spec = document as OpenApiDocument;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  // OpenAPI's own annotations on a schema; they do not validate.
  ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
  // The components become $defs of one schema, so that `$ref`s resolve.
  const refs = JSON.parse(
    JSON.stringify(spec.components?.schemas ?? {}).replaceAll(
      '"#/components/schemas/',
      '"components#/$defs/',
    ),
  );
  ajv.addSchema({ $id: 'components', $defs: refs });
  const operations = Object.entries(spec.paths).map(([template, methods]) => ({
    template,
    matcher: pathMatcher(template),
    methods,
  }));
  const validators = new Map<string, ValidateFunction>();

  function validatorFor(key: string, schema: unknown): ValidateFunction {
    let validate = validators.get(key);
    if (!validate) {
      const rewritten = JSON.parse(
        JSON.stringify(schema).replaceAll('"#/components/schemas/', '"components#/$defs/'),
      );
      validate = ajv.compile(rewritten);
      validators.set(key, validate);
    }
    return validate;
  }

  return {
    check(response) {
      const path = response.path.split('?')[0] ?? '';
      const method = response.method.toLowerCase();
      const what = `${response.method.toUpperCase()} ${path} → ${response.status}`;
      // The most specific template first: `/invoices/{id}/pdf` before `/invoices/{id}`.
      const operation = operations
        .filter((candidate) => candidate.matcher.test(path) && candidate.methods[method])
        .sort((a, b) => b.template.length - a.template.length)[0];
      if (!operation) throw new Error(`${what}: the OpenAPI spec has no such operation.`);
      const declared = operation.methods[method]?.responses?.[String(response.status)];
      if (!declared) throw new Error(`${what}: the spec declares no ${response.status} for this operation.`);
      const mediaType = response.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
      const content = declared.content?.[mediaType];
      if (!content) {
        throw new Error(`${what}: the spec declares no ${mediaType || 'empty'} body for this status.`);
      }
      if (mediaType !== 'application/json' || content.schema === undefined) return;
      const key = `${operation.template} ${method} ${response.status}`;
      const validate = validatorFor(key, content.schema);
      if (!validate(response.body)) {
        const problems = (validate.errors ?? [])
          .map(
            (error) =>
              `${error.instancePath || '(body)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
          )
          .join('; ');
        throw new Error(
          `${what}: the body does not match the spec: ${problems}\n${JSON.stringify(response.body)}`,
        );
      }
    },
  };
}
