export { type CliResult, runCli, USAGE, wantsHelp } from './cli.ts';
export { SANDBOX_DEFAULTS } from './commands/connections.ts';
export { type CliDeps, type CommandOutput, createCliDeps, UsageError } from './context.ts';
export { type CliEnv, ConfigError, cliEnvSchema, parseCliEnv, redactRedisUrl } from './env.ts';
