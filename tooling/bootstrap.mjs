#!/usr/bin/env node
// The entry point of `npm start`, `npm test` and `npm run bench` on a machine that has only Node
// and npm: it brings pnpm (pinned in package.json), the workspace's dependencies and a
// `redis-server` binary, then hands over. Plain Node, no dependencies: it runs before any exist.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [pnpmSpec] = [JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager];
const pnpmVersion = pnpmSpec.replace(/^pnpm@/, '');
const toolsDir = join(root, '.tools');
const pnpmBin = join(toolsDir, 'node_modules', '.bin', 'pnpm');

function log(message) {
  process.stderr.write(`[faturador] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function must(command, args, what) {
  const status = run(command, args);
  if (status !== 0) {
    log(`${what} failed (exit ${status}).`);
    process.exit(status);
  }
}

function ensurePnpm() {
  const current = spawnSync(pnpmBin, ['--version'], { encoding: 'utf8' });
  if (current.status === 0 && current.stdout.trim() === pnpmVersion) return;
  // corepack is not usable everywhere (signature checks), so pnpm is installed locally under .tools.
  log(`installing pnpm ${pnpmVersion} into .tools/`);
  must(
    'npm',
    [
      'install',
      '--prefix',
      toolsDir,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `pnpm@${pnpmVersion}`,
    ],
    'installing pnpm',
  );
}

function ensureDependencies() {
  const marker = join(root, 'node_modules', '.pnpm', 'lock.yaml');
  const lockfile = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lockfile).mtimeMs) return;
  log('installing dependencies (pnpm install --frozen-lockfile)');
  must(pnpmBin, ['install', '--frozen-lockfile', '--prefer-offline'], 'pnpm install');
}

function ensureRedis() {
  if (process.env.REDIS_URL) return;
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt) {
    log("no redis-server found: installing Debian's redis-server package");
    must('apt-get', ['update', '-qq'], 'apt-get update');
    must('apt-get', ['install', '-y', '-qq', 'redis-server'], 'apt-get install redis-server');
    return;
  }
  log('redis-server is not installed, and this script cannot install it for you.');
  log('  Debian/Ubuntu: sudo apt-get install -y redis-server');
  log('  macOS:         brew install redis');
  log('  or point REDIS_URL at a Redis 7 server with maxmemory-policy noeviction.');
  process.exit(1);
}

const steps = {
  start: () => {
    // Ctrl+C reaches the stack through the terminal's process group; the stack stops its services
    // in order and exits 0. This process only waits for it, without pnpm's "failed with SIGINT".
    process.on('SIGINT', () => {});
    return run(process.execPath, ['--import', 'tsx', 'apps/dev/src/start.ts']);
  },
  test: () => {
    for (const [what, args, env] of [
      ['lint', ['exec', 'biome', 'ci', '.']],
      // Every declared dependency is used, and every import is declared.
      ['dependencies', ['exec', 'knip', '--dependencies', '--no-progress']],
      ['typecheck', ['exec', 'tsc', '-p', 'tsconfig.json', '--noEmit']],
      // Packages with their own toolchain (the Airtable extension: JSX, jsdom) check themselves.
      ['typecheck', ['run', '-r', '--if-present', 'typecheck']],
      ['tests', ['exec', 'vitest', 'run']],
      ['tests', ['run', '-r', '--if-present', 'test']],
      // The core integration tests again, against a local 3-master Redis Cluster.
      [
        'tests on a Redis Cluster',
        ['exec', 'vitest', 'run', 'packages/store', 'packages/jobs', 'packages/issuing'],
        { FATURADOR_TEST_REDIS_CLUSTER: '1' },
      ],
    ]) {
      log(`${what}: pnpm ${args.join(' ')}`);
      const status = run(pnpmBin, args, env ? { env: { ...process.env, ...env } } : {});
      if (status !== 0) {
        log(`${what} failed.`);
        return status;
      }
    }
    return 0;
  },
  bench: () => run(pnpmBin, ['--filter', '@faturador/dev', 'bench', ...process.argv.slice(3)]),
  'bench:slack': () => run(pnpmBin, ['--filter', '@faturador/dev', 'bench:slack', ...process.argv.slice(3)]),
  chaos: () => run(pnpmBin, ['--filter', '@faturador/dev', 'chaos', ...process.argv.slice(3)]),
};

const command = process.argv[2];
const step = steps[command];
if (!step) {
  log(`usage: bootstrap.mjs ${Object.keys(steps).join('|')}`);
  process.exit(2);
}
ensurePnpm();
ensureDependencies();
ensureRedis();
process.exit(step());
