import { type ListenOptions, listen } from '@faturador/sandbox-kit';
import { createMoloniSandbox, type MoloniSandbox, type MoloniSandboxOptions } from './sandbox.ts';

export interface StartOptions extends MoloniSandboxOptions, ListenOptions {}

export interface RunningMoloniSandbox {
  /** `http://127.0.0.1:<port>/v1/` — what a client uses as Moloni's base URL. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:<port>` — for `/_sandbox/*` and PDF links. */
  readonly origin: string;
  readonly port: number;
  readonly sandbox: MoloniSandbox;
  /** Stops listening and destroys open connections, hanging requests included (idempotent). */
  close(): Promise<void>;
}

export async function startMoloniSandbox(options: StartOptions = {}): Promise<RunningMoloniSandbox> {
  const sandbox = createMoloniSandbox(options);
  const { origin, port, close } = await listen(sandbox.app, options);
  return { baseUrl: `${origin}/v1/`, origin, port, sandbox, close };
}
