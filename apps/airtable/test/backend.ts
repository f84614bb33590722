import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BackendCall {
  url: string;
  headers: IncomingHttpHeaders;
  body: { base_id: string; table_id: string; record_id: string };
}

export type BackendAnswer = { status: number; body: unknown; headers?: Record<string, string> };

/** The record-trigger endpoint as the extension sees it, over real HTTP. */
export async function startBackend(answer: (call: BackendCall) => BackendAnswer | Promise<BackendAnswer>) {
  const calls: BackendCall[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', async () => {
      const call = { url: request.url ?? '', headers: request.headers, body: JSON.parse(raw || '{}') };
      calls.push(call);
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const issued = (number: string): BackendAnswer => ({
  status: 201,
  body: { success: true, request_id: 'req_1', reference: 'AT-x', document: { number, status: 'final' } },
});
export const accepted: BackendAnswer = {
  status: 202,
  body: { success: true, request_id: 'req_2', reference: 'AT-x', state: 'queued', status_url: 'http://x' },
};
export const refused = (code: string, message: string, status = 400): BackendAnswer => ({
  status,
  body: { success: false, request_id: 'req_3', error: { code, message, details: null } },
});
