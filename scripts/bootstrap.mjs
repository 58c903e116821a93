#!/usr/bin/env node
// Makes a fresh Debian 12 + Node 20 machine ready for `npm start`, `npm test` or `npm run bench`:
// npm dependencies, redis-server, and (for tests and benchmarks) Debian's chromium.
// Uses only Node built-ins, because it runs before `npm install`.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const purpose = process.argv[process.argv.indexOf('--for') + 1] ?? 'start';

function fail(message) {
  process.stderr.write(`bootstrap: ${message}\n`);
  process.exit(1);
}

function say(message) {
  process.stderr.write(`bootstrap: ${message}\n`);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 11)) fail(`Node.js 20.11 or newer is needed, this is ${process.version}`);
}

/**
 * `npm ci` when the lockfile changed since the last install (or nothing is installed yet): exactly
 * the locked versions, and install scripts only where package.json's `allowScripts` approves them.
 */
function installNpmDeps() {
  const lock = join(root, 'package-lock.json');
  const stamp = join(root, 'node_modules', '.spoor-lock-hash');
  const hash = existsSync(lock) ? createHash('sha256').update(readFileSync(lock)).digest('hex') : 'none';
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  say('installing npm dependencies');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) fail('npm could not install the dependencies (see above)');
  writeFileSync(stamp, createHash('sha256').update(readFileSync(lock)).digest('hex'));
}

function have(binary) {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

/** Installs Debian packages when allowed (root, or passwordless sudo), else says what to install. */
function aptInstall(packages, why) {
  const missing = packages.filter((p) => !have(p.binary));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.pkg);
  const isRoot = process.getuid?.() === 0;
  const sudo = !isRoot && have('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!have('apt-get') || (!isRoot && !sudo)) {
    fail(
      `${names.join(' and ')} ${names.length > 1 ? 'are' : 'is'} needed ${why}: install ${names.length > 1 ? 'them' : 'it'} with "sudo apt-get install ${names.join(' ')}"`,
    );
  }
  say(`installing ${names.join(', ')} with apt-get (${why})`);
  const run = (args) => {
    const cmd = sudo ? ['sudo', '-n', ...args] : args;
    const r = spawnSync(cmd[0], cmd.slice(1), {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return r.status === 0;
  };
  // The package lists of a fresh machine may be missing or stale: update once, then install.
  if (!run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...names])) {
    if (!run(['apt-get', 'update', '-q']) || !run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...names])) {
      fail(`apt-get could not install ${names.join(' ')}`);
    }
  }
  for (const p of missing) if (!have(p.binary)) fail(`${p.pkg} was installed but ${p.binary} is still not on PATH`);
}

function build() {
  say('building');
  try {
    execFileSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit' });
  } catch {
    fail('the build failed (see above)');
  }
}

checkNode();
installNpmDeps();
const redis = { pkg: 'redis-server', binary: 'redis-server' };
const chromium = { pkg: 'chromium', binary: 'chromium' };
if (purpose === 'start') {
  if (!process.env.REDIS_URL) aptInstall([redis], 'for the embedded Redis of spoor up (or set REDIS_URL)');
  build();
} else {
  aptInstall([redis, chromium], `for ${purpose === 'bench' ? 'the benchmarks' : 'the tests'}`);
}
