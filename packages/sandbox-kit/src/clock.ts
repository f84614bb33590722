/**
 * The sandbox's notion of "now" (token lifetimes, document dates). It follows real time plus an
 * offset, so tests can jump an hour ahead without waiting.
 */
export interface SandboxClock {
  now(): number;
  advance(ms: number): void;
  set(time: Date | number): void;
}

export function createClock(start?: Date | number): SandboxClock {
  let offset = start === undefined ? 0 : new Date(start).getTime() - Date.now();
  return {
    now: () => Date.now() + offset,
    advance(ms: number) {
      offset += ms;
    },
    set(time: Date | number) {
      offset = new Date(time).getTime() - Date.now();
    },
  };
}
