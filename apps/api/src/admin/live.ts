import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';

/** How often a page's mark is read again, and for how long one stream lasts (the browser reconnects). */
const TICK_MS = 500;
const TICKS = 600;

/**
 * Server-sent events: one `change` each time `markOf` reads something else than before. A page
 * that listens re-reads itself; a reading of Redis every half second per open page is cheap next
 * to a person pressing reload.
 */
export function liveStream(c: Context, first: string, markOf: () => Promise<string | null>): Response {
  return streamSSE(c, async (stream) => {
    let seen = first;
    for (let tick = 0; tick < TICKS && !stream.aborted; tick++) {
      await stream.sleep(TICK_MS);
      const mark = await markOf();
      if (mark !== null && mark !== seen) {
        seen = mark;
        await stream.writeSSE({ event: 'change', data: String(tick) });
      }
    }
  });
}
