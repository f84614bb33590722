import { describe, expect, it } from 'vitest';
import { standaloneEnv } from './env.ts';

describe('standaloneEnv', () => {
  it('reads <PREFIX>_PORT (or the default) and <PREFIX>_STATE_FILE', () => {
    expect(standaloneEnv('X_SANDBOX', 8765, {})).toEqual({ port: 8765, stateFile: undefined });
    expect(standaloneEnv('X_SANDBOX', 8765, { X_SANDBOX_PORT: '0', X_SANDBOX_STATE_FILE: '' })).toEqual({
      port: 0,
      stateFile: undefined,
    });
    expect(standaloneEnv('X_SANDBOX', 8765, { X_SANDBOX_STATE_FILE: 'a.json' }).stateFile).toBe('a.json');
  });

  it('names the variable when the port is not one', () => {
    expect(() => standaloneEnv('X_SANDBOX', 8765, { X_SANDBOX_PORT: '70000' })).toThrow(
      'X_SANDBOX_PORT must be a port number, got "70000"',
    );
  });
});
