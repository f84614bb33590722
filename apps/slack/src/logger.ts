import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import { type Logger, pino } from 'pino';

export type { Logger };

// Slack tokens have a recognisable shape: scrubbed from any text Bolt or web-api hands us, so a
// debug line that echoes a request can never leak one.
const TOKEN_PATTERN = /\bx(?:ox[abpre]|app)-[A-Za-z0-9-]+/g;

export function scrub(text: string): string {
  return text.replace(TOKEN_PATTERN, (token) => `${token.slice(0, 5)}[redacted]`);
}

export function createLogger(level: string): Logger {
  return pino({
    name: 'faturador-slack',
    level,
    redact: {
      paths: [
        'token',
        '*.token',
        'botToken',
        'appToken',
        'signingSecret',
        'apiSecret',
        '*.apiSecret',
        'headers.authorization',
        '*.headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}

function format(parts: unknown[]): string {
  return scrub(
    parts
      .map((part) =>
        part instanceof Error
          ? `${part.name}: ${part.message}`
          : typeof part === 'string'
            ? part
            : JSON.stringify(part),
      )
      .join(' '),
  );
}

const TO_PINO: Record<LogLevel, string> = {
  [LogLevel.ERROR]: 'error',
  [LogLevel.WARN]: 'warn',
  [LogLevel.INFO]: 'info',
  [LogLevel.DEBUG]: 'debug',
};

/** Bolt's logger interface on top of pino, so that the bot writes one log stream. */
export function boltLogger(logger: Logger): BoltLogger {
  let child = logger.child({ component: 'bolt' });
  let level: LogLevel = LogLevel.INFO;
  return {
    debug: (...parts: unknown[]) => child.debug(format(parts)),
    info: (...parts: unknown[]) => child.info(format(parts)),
    warn: (...parts: unknown[]) => child.warn(format(parts)),
    error: (...parts: unknown[]) => child.error(format(parts)),
    setLevel(next: LogLevel) {
      level = next;
      // Bolt asks for its default level at start-up; ours (LOG_LEVEL) only ever gets stricter.
      const wanted = TO_PINO[next];
      if (logger.levels.values[wanted] !== undefined && logger.levels.values[wanted] > logger.levelVal) {
        child.level = wanted;
      }
    },
    getLevel: () => level,
    setName(name: string) {
      child = logger.child({ component: name });
    },
  };
}
