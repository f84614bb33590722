// A sandbox on its own (`pnpm --filter … start`), for demos and manual testing: prints what to
// point a client at, stops cleanly on Ctrl+C, and says why when it cannot start.

export interface Started {
  /** Lines printed once listening. */
  banner: string[];
  close(): Promise<void>;
}

export function runAlone(name: string, start: () => Promise<Started>): void {
  start()
    .then((running) => {
      process.stdout.write(`${[...running.banner, 'Press Ctrl+C to stop.'].join('\n')}\n`);
      const stop = async () => {
        await running.close();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((error: unknown) => {
      process.stderr.write(
        `${name} failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    });
}
