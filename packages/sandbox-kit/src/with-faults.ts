import type { FaultInjector } from './faults.ts';
import type { CallRecord } from './stats.ts';
import { drop, hang, jsonResponse, type SandboxContext, sleep } from './transport.ts';

/** How a vendor's edge answers the faults that do answer. */
export interface FaultAnswers {
  /** The HTTP status of a `refuse` answer. */
  refusalStatus: number;
  /** The page a `status` fault answers with (what the proxy in front of the vendor sends). */
  statusPage(c: SandboxContext, status: number): Response;
}

/**
 * Applies the faults planned for this call around `execute`, and records on `call` which fault
 * applied and what the client got.
 */
export async function withFaults(
  c: SandboxContext,
  faults: FaultInjector,
  answers: FaultAnswers,
  call: CallRecord,
  execute: () => Promise<Response>,
): Promise<Response> {
  const plan = faults.take(call.endpoint);
  if (plan.fault) call.fault = plan.fault.kind;
  if (plan.latencyMs > 0) await sleep(plan.latencyMs);
  const fault = plan.fault;
  if (fault?.kind === 'status') {
    call.outcome = fault.status;
    return answers.statusPage(c, fault.status);
  }
  if (fault?.kind === 'refuse') {
    call.outcome = answers.refusalStatus;
    return jsonResponse(fault.body, answers.refusalStatus);
  }
  if (fault?.kind === 'hang') {
    call.outcome = 'hung';
    return hang(c);
  }
  if (fault?.kind === 'drop') {
    call.outcome = 'dropped';
    return drop(c);
  }
  const response = await execute();
  if (fault?.kind === 'commitThenDrop') {
    call.outcome = 'dropped';
    return drop(c);
  }
  if (fault?.kind === 'commitThenHang') {
    call.outcome = 'hung';
    return hang(c);
  }
  call.outcome = response.status;
  return response;
}
