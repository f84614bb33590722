import { describe, expect, it } from 'vitest';
import { createContractChecker } from './openapi-contract.ts';

const spec = {
  openapi: '3.1.0',
  components: {
    schemas: {
      Thing: {
        type: 'object',
        properties: {
          id: { type: 'string', pattern: '^t_', example: 't_1' },
          at: { type: ['string', 'null'], format: 'date-time', example: '2026-05-18T15:07:21Z' },
        },
        required: ['id', 'at'],
        additionalProperties: false,
      },
    },
  },
  paths: {
    '/things/': {
      post: {
        responses: {
          '201': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
        },
      },
    },
    '/things/{id}': {
      get: {
        responses: {
          '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
        },
      },
    },
    '/things/{id}/pdf': {
      get: { responses: { '200': { content: { 'application/pdf': { schema: { type: 'string' } } } } } },
    },
  },
};

const answer = (overrides: Partial<Parameters<ReturnType<typeof createContractChecker>['check']>[0]>) => ({
  method: 'POST',
  path: '/things',
  status: 201,
  contentType: 'application/json; charset=UTF-8',
  body: { id: 't_1', at: null },
  ...overrides,
});

describe('createContractChecker', () => {
  const checker = createContractChecker(spec);

  it('accepts answers the spec declares (refs resolved, trailing slash optional, path templates)', () => {
    expect(() => checker.check(answer({}))).not.toThrow();
    expect(() => checker.check(answer({ path: '/things/' }))).not.toThrow();
    expect(() =>
      checker.check(
        answer({
          method: 'GET',
          path: '/things/t_9?x=1',
          status: 200,
          body: { id: 't_9', at: '2026-05-18T15:07:21Z' },
        }),
      ),
    ).not.toThrow();
    expect(() =>
      checker.check(
        answer({
          method: 'GET',
          path: '/things/t_9/pdf',
          status: 200,
          contentType: 'application/pdf',
          body: null,
        }),
      ),
    ).not.toThrow();
  });

  it('refuses a body with a field the spec does not have, a wrong type or a bad format', () => {
    expect(() => checker.check(answer({ body: { id: 't_1', at: null, extra: 1 } }))).toThrow(
      /additional properties/,
    );
    expect(() => checker.check(answer({ body: { id: 1, at: null } }))).toThrow(/\/id must be string/);
    expect(() => checker.check(answer({ body: { id: 't_1', at: 'yesterday' } }))).toThrow(/format/);
    expect(() => checker.check(answer({ body: { id: 't_1' } }))).toThrow(/required/);
  });

  it('refuses a status, a media type or an operation the spec does not declare', () => {
    expect(() => checker.check(answer({ status: 400 }))).toThrow(/declares no 400/);
    expect(() => checker.check(answer({ contentType: 'text/plain' }))).toThrow(/no text\/plain body/);
    expect(() => checker.check(answer({ method: 'DELETE' }))).toThrow(/no such operation/);
    expect(() => checker.check(answer({ path: '/other' }))).toThrow(/no such operation/);
  });
});
