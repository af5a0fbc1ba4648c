// End-to-end suite: builds the client, starts the real server on a free port with a fresh data
// folder, drives Debian's Chromium through playwright-core, and stops the server again.
//   npm run e2e                 (E2E_SKIP_BUILD=1 to reuse the last client build)
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { runAll } from './harness.mjs';
import './flows.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const clientDir = resolve(here, '..');
const apiProject = resolve(clientDir, '../server/src/Likeness.Api');
const screenshots = join(here, 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ADMIN_EMAIL = 'admin@example.com';
const ADMIN_PASSWORD = 'E2e-Admin-Passw0rd!';

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForServer(baseUrl, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited early with code ${child.exitCode}.`);
    try {
      const response = await fetch(`${baseUrl}/api/v1/auth/me`);
      if (response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The server did not answer within ${timeoutMs / 1000} s.`);
}

function stopServer(child) {
  if (!child || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM'); // the process group: `dotnet run` and the app it started
  } catch {
    child.kill('SIGTERM');
  }
}

async function main() {
  if (!existsSync(CHROMIUM)) {
    console.error(`Chromium not found at ${CHROMIUM}. Install it: apt-get install -y chromium`);
    process.exit(2);
  }
  if (!process.env.E2E_SKIP_BUILD) {
    console.log('Building the client into the server wwwroot…');
    try {
      execFileSync('npm', ['run', 'build'], { cwd: clientDir, stdio: 'inherit' });
    } catch {
      console.error('The client build failed.');
      console.log('0 passed, 1 failed');
      process.exit(1);
    }
  }
  rmSync(screenshots, { recursive: true, force: true });
  mkdirSync(screenshots, { recursive: true });

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'likeness-e2e-'));
  const logFile = join(dataDir, 'server.log');
  const log = openSync(logFile, 'a');
  console.log(`Starting the server on ${baseUrl} (data: ${dataDir})…`);
  const server = spawn(
    'dotnet',
    ['run', '--project', apiProject, '--no-launch-profile', '--', '--urls', baseUrl],
    {
      cwd: clientDir,
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        Likeness__DataDirectory: dataDir,
        Admin__Email: ADMIN_EMAIL,
        Admin__Password: ADMIN_PASSWORD,
        ASPNETCORE_ENVIRONMENT: 'Development',
        DOTNET_CLI_TELEMETRY_OPTOUT: '1',
        DOTNET_NOLOGO: '1',
      },
    },
  );
  const stop = () => stopServer(server);
  process.on('exit', stop);
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));

  let browser;
  let result = { passed: 0, failed: 1 };
  try {
    await waitForServer(baseUrl, server, 300_000);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const state = { browser, baseUrl, screenshots, adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD };
    // On a failure, keep a picture of where the flow stopped.
    state.onFailure = async (name) =>
      state.page?.screenshot({ path: join(screenshots, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`) });
    result = await runAll(state);
  } catch (error) {
    console.error(`E2E setup failed: ${error.message}`);
    console.error(readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n'));
  } finally {
    await browser?.close().catch(() => {});
    stop();
  }
  if (result.failed > 0) {
    console.log(`Server log: ${logFile}`);
  } else {
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`${result.passed} passed, ${result.failed} failed`);
  process.exit(result.failed > 0 ? 1 : 0);
}

main();
