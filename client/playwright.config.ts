// The end-to-end suite: the real server (twice: the Local engine, and ImageProvider:Kind=Gemini pointed at
// the Gemini REST emulator, server/tests/Likeness.GeminiEmulator), driven through Debian's Chromium.
//   npm run e2e                       every project
//   npx playwright test --project desktop -g "region"
// `make test-e2e` builds the client and the server first; run alone, the first web server builds the
// emulator (and with it the API) before anything starts, and the client must have been built (npm run build).
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './e2e/constants';
import type { E2eOptions } from './e2e/fixtures';

const here = import.meta.dirname;
const root = resolve(here, '..');
const api = resolve(root, 'server/src/Likeness.Api');
const emulator = resolve(root, 'server/tests/Likeness.GeminiEmulator');
const results = resolve(here, 'test-results');
const servers = resolve(results, 'servers');

const EMULATOR_KEY = 'e2e-emulator-key';
// Slow enough to watch the progress panel (thoughts, drafts) and to reload or cancel mid-turn: about 13 s a turn.
const EMULATOR_DELAYS = '--thinking-seconds 6 --preview-seconds 2 --drawing-seconds 3';
const CI_MACHINE_SLACK = 1; // raise (E2E_SLOW=2) on a very busy machine

/**
 * Free ports, chosen once: the config is read again in every worker process, which inherits the
 * runner's environment, so the ports are kept there.
 */
function port(name: string): number {
  const key = `E2E_PORT_${name}`;
  process.env[key] ??= execFileSync(process.execPath, [
    '-e',
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
  ]).toString();
  return Number(process.env[key]);
}

const local = `http://127.0.0.1:${port('LOCAL')}`;
const gemini = `http://127.0.0.1:${port('GEMINI')}`;
const emulatorUrl = `http://127.0.0.1:${port('EMULATOR')}`;
const EMULATOR_LOG = resolve(servers, 'emulator.log');
process.env.E2E_EMULATOR_LOG = EMULATOR_LOG; // the Gemini flows read which calls the app made
const slow = Number(process.env.E2E_SLOW ?? CI_MACHINE_SLACK);

const dotnetEnv = {
  DOTNET_CLI_TELEMETRY_OPTOUT: '1',
  DOTNET_NOLOGO: '1',
  ASPNETCORE_ENVIRONMENT: 'Development',
};

/** The app with a fresh data folder under test-results/servers/<name> (its log beside it). */
function app(name: string, url: string, env: Record<string, string>) {
  const data = resolve(servers, name);
  return {
    name: `server:${name}`,
    command:
      `rm -rf '${data}' && mkdir -p '${data}' && ` +
      `exec dotnet run --project '${api}' --no-launch-profile --no-build -- --urls ${url} > '${data}.log' 2>&1`,
    url: `${url}/api/v1/auth/me`, // 401 once it answers
    timeout: 300_000 * slow,
    reuseExistingServer: false,
    gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 5_000 },
    env: {
      ...dotnetEnv,
      Likeness__DataDirectory: data,
      Admin__Email: ADMIN_EMAIL,
      Admin__Password: ADMIN_PASSWORD,
      // Every test signs in its own fresh user, and two workers edit at once: the per-IP limits are for the internet.
      Security__SignInPerIp__PermitLimit: '100000',
      Security__ImageGenerationPerIp__PermitLimit: '100000',
      ...env,
    },
  };
}

const chromium = {
  ...devices['Desktop Chrome'],
  launchOptions: {
    // We never download browsers: Debian's chromium (scripts/ensure-chromium.sh installs it).
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update'],
  },
};
const desktop = { ...chromium, viewport: { width: 1366, height: 900 } };
const phone = { ...chromium, viewport: { width: 360, height: 780 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

export default defineConfig<E2eOptions>({
  testDir: './e2e',
  outputDir: resolve(results, 'artifacts'),
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  timeout: 240_000 * slow,
  expect: { timeout: 45_000 * slow },
  reporter: [['list'], ['html', { outputFolder: resolve(results, 'report'), open: 'never' }]],
  use: {
    actionTimeout: 60_000 * slow,
    navigationTimeout: 60_000 * slow,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    acceptDownloads: true,
  },
  webServer: [
    {
      // First, and alone: building the emulator builds the API too, which must not change under a running server.
      name: 'gemini-emulator',
      command:
        `mkdir -p '${servers}' && { dotnet build '${emulator}' --nologo -v q > '${servers}/build.log' 2>&1 || { cat '${servers}/build.log' >&2; exit 1; }; } && ` +
        `dotnet run --project '${emulator}' --no-launch-profile --no-build -- --urls ${emulatorUrl} --api-key ${EMULATOR_KEY} ${EMULATOR_DELAYS} 2>&1 | tee '${EMULATOR_LOG}'`,
      wait: { stdout: /listening on/ },
      stdout: 'ignore',
      timeout: 600_000 * slow,
      reuseExistingServer: false,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
      env: dotnetEnv,
    },
    app('local', local, {}),
    app('gemini', gemini, { ImageProvider__Kind: 'Gemini', Gemini__BaseUrl: emulatorUrl, Gemini__ApiKey: EMULATOR_KEY }),
  ],
  projects: [
    // Signs the bootstrap admin in once per server; tests use it only to make their own fresh users.
    { name: 'setup', testMatch: /auth\.setup\.ts/, use: { ...desktop, baseURL: local, adminState: resolve(results, '.auth/local.json') } },
    {
      name: 'desktop',
      testMatch: /local\/.*\.spec\.ts/,
      grepInvert: /@phone-only/,
      dependencies: ['setup'],
      use: { ...desktop, baseURL: local, adminState: resolve(results, '.auth/local.json') },
    },
    {
      name: 'phone',
      testMatch: /local\/.*\.spec\.ts/,
      grep: /@phone/,
      dependencies: ['setup'],
      use: { ...phone, baseURL: local, adminState: resolve(results, '.auth/local.json') },
    },
    {
      name: 'gemini-setup',
      testMatch: /auth\.setup\.ts/,
      use: { ...desktop, baseURL: gemini, adminState: resolve(results, '.auth/gemini.json') },
    },
    {
      name: 'gemini-desktop',
      testMatch: /gemini\/.*\.spec\.ts/,
      grepInvert: /@phone-only/,
      dependencies: ['gemini-setup'],
      use: { ...desktop, baseURL: gemini, adminState: resolve(results, '.auth/gemini.json') },
    },
    {
      name: 'gemini-phone',
      testMatch: /gemini\/.*\.spec\.ts/,
      grep: /@phone/,
      dependencies: ['gemini-setup'],
      use: { ...phone, baseURL: gemini, adminState: resolve(results, '.auth/gemini.json') },
    },
  ],
});
