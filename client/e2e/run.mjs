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
import { hasTests, runAll } from './harness.mjs';
import './flows.mjs';
import './gemini-flows.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const clientDir = resolve(here, '..');
const apiProject = resolve(clientDir, '../server/src/Likeness.Api');
const emulatorProject = resolve(clientDir, '../server/tests/Likeness.GeminiEmulator');
const EMULATOR_KEY = 'e2e-emulator-key';
// Slow enough to watch the progress panel (thoughts, drafts) and to reload or cancel mid-turn.
const EMULATOR_DELAYS = ['--thinking-seconds', '6', '--preview-seconds', '2', '--drawing-seconds', '3'];
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

  const gemini = hasTests('gemini') && existsSync(join(emulatorProject, 'Likeness.GeminiEmulator.csproj'));
  if (gemini) {
    // Built first, on its own: it builds the API project too, which must not change under a running server.
    console.log('Building the Gemini emulator…');
    try {
      execFileSync('dotnet', ['build', emulatorProject, '--nologo', '-v', 'q'], { cwd: clientDir, stdio: 'inherit', env: dotnetEnv() });
    } catch {
      console.error('The Gemini emulator build failed.');
      console.log('0 passed, 1 failed');
      process.exit(1);
    }
  } else if (hasTests('gemini')) {
    console.log('No Gemini emulator project in this tree: the Gemini flows are skipped.');
  }

  const children = [];
  const stopAll = () => children.forEach(stopServer);
  process.on('exit', stopAll);
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));

  let browser;
  const total = { passed: 0, failed: 0 };
  const keep = [];
  try {
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
    // E2E_SUITES=gemini (or local) runs one suite only.
    const only = process.env.E2E_SUITES?.split(',').map((n) => n.trim());
    const suites = [{ name: 'local', env: {} }];
    if (gemini) suites.push({ name: 'gemini', env: null });
    if (only) suites.splice(0, suites.length, ...suites.filter((suite) => only.includes(suite.name)));
    for (const suite of suites) {
      let app;
      let emulatorLog;
      try {
        if (suite.name === 'gemini') {
          const emulator = await startEmulator(children);
          emulatorLog = emulator.logFile;
          suite.env = {
            ImageProvider__Kind: 'Gemini',
            Gemini__BaseUrl: emulator.baseUrl,
            Gemini__ApiKey: EMULATOR_KEY,
          };
        }
        app = await startApp(children, suite.name, suite.env, suite.name !== 'local');
        const state = { browser, baseUrl: app.baseUrl, screenshots, adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD, emulatorLog };
        // On a failure, keep a picture of where the flow stopped.
        state.onFailure = async (name) =>
          state.page?.screenshot({ path: join(screenshots, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`) });
        console.log(`-- ${suite.name} suite on ${app.baseUrl}`);
        const result = await runAll(state, suite.name);
        total.passed += result.passed;
        total.failed += result.failed;
        if (result.failed > 0) keep.push(app.logFile);
      } catch (error) {
        total.failed++;
        console.error(`E2E setup of the ${suite.name} suite failed: ${error.message}`);
        if (app) console.error(readFileSync(app.logFile, 'utf8').split('\n').slice(-40).join('\n'));
      } finally {
        stopAll();
        children.length = 0;
        if (app && !keep.includes(app.logFile)) rmSync(app.dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    await browser?.close().catch(() => {});
    stopAll();
  }
  for (const logFile of keep) console.log(`Server log: ${logFile}`);
  console.log(`${total.passed} passed, ${total.failed} failed`);
  process.exit(total.failed > 0 ? 1 : 0);
}

function dotnetEnv(extra = {}) {
  return { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', ...extra };
}

/** The app on a free port with a fresh data folder; `env` picks its image provider. */
async function startApp(children, name, env, noBuild) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), `likeness-e2e-${name}-`));
  const logFile = join(dataDir, 'server.log');
  const log = openSync(logFile, 'a');
  console.log(`Starting the server (${name}) on ${baseUrl} (data: ${dataDir})…`);
  const child = spawn(
    'dotnet',
    ['run', '--project', apiProject, '--no-launch-profile', ...(noBuild ? ['--no-build'] : []), '--', '--urls', baseUrl],
    {
      cwd: clientDir,
      detached: true,
      stdio: ['ignore', log, log],
      env: dotnetEnv({
        Likeness__DataDirectory: dataDir,
        Admin__Email: ADMIN_EMAIL,
        Admin__Password: ADMIN_PASSWORD,
        ASPNETCORE_ENVIRONMENT: 'Development',
        ...env,
      }),
    },
  );
  children.push(child);
  await waitForServer(baseUrl, child, 300_000);
  return { baseUrl, dataDir, logFile };
}

/** The Gemini emulator (server/tests/Likeness.GeminiEmulator), slowed down so a turn can be watched. */
async function startEmulator(children) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = join(mkdtempSync(join(tmpdir(), 'likeness-e2e-emulator-')), 'emulator.log');
  const log = openSync(logFile, 'a');
  console.log(`Starting the Gemini emulator on ${baseUrl} (log: ${logFile})…`);
  const child = spawn(
    'dotnet',
    ['run', '--project', emulatorProject, '--no-launch-profile', '--no-build', '--', '--urls', baseUrl, '--api-key', EMULATOR_KEY, ...EMULATOR_DELAYS],
    { cwd: clientDir, detached: true, stdio: ['ignore', log, log], env: dotnetEnv() },
  );
  children.push(child);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The emulator exited early: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    if (readFileSync(logFile, 'utf8').includes('listening on')) return { baseUrl, logFile };
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error('The Gemini emulator did not start within 120 s.');
}

main();
