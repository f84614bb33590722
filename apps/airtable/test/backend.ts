import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BackendCall {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** A record trigger's body, or an action's (`reason`, `amount`…). */
  body: { base_id: string; table_id: string; record_id: string; [field: string]: unknown };
}

export type BackendAnswer = { status: number; body: unknown; headers?: Record<string, string> };

/** The record-trigger endpoint as the extension sees it, over real HTTP. */
export async function startBackend(answer: (call: BackendCall) => BackendAnswer | Promise<BackendAnswer>) {
  /** POSTs (triggers and actions); the reads of the base's settings are in `reads`. */
  const calls: BackendCall[] = [];
  const reads: BackendCall[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', async () => {
      const call = {
        method: request.method ?? 'GET',
        url: request.url ?? '',
        headers: request.headers,
        body: JSON.parse(raw || '{}'),
      };
      (call.method === 'GET' ? reads : calls).push(call);
      const reply = await answer(call);
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      response.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    reads,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets (and a request the test left unanswered) would hold close() open.
        server.closeAllConnections();
      }),
  };
}

export const issued = (number: string, createdAt = '2026-05-18T15:07:21.000Z'): BackendAnswer => ({
  status: 201,
  body: {
    success: true,
    request_id: 'req_1',
    reference: 'AT-x',
    document: { number, status: 'final', created_at: createdAt },
  },
});
export const draft = (): BackendAnswer => ({
  status: 201,
  body: {
    success: true,
    request_id: 'req_4',
    reference: 'AT-x',
    document: {
      number: null,
      status: 'draft',
      moloni_document_id: 974989624,
      created_at: '2026-05-18T15:07:21.000Z',
    },
  },
});
export const accepted: BackendAnswer = {
  status: 202,
  body: { success: true, request_id: 'req_2', reference: 'AT-x', state: 'queued', status_url: 'http://x' },
};
export const refused = (code: string, message: string, status = 400): BackendAnswer => ({
  status,
  body: { success: false, request_id: 'req_3', error: { code, message, details: null } },
});
