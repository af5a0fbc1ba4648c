// The Images page against the app with ImageProvider:Kind=Gemini, pointed at the Gemini emulator
// (server/tests/Likeness.GeminiEmulator) slowed down by run.mjs: every turn streams thoughts and
// drafts for about 13 s, so the progress panel, Cancel and a reload mid-turn can be watched.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, assertEqual, eventually, sha, test } from './harness.mjs';
import { portraitPng } from './png.mjs';

const IDENTITY = 'Grace Hopper';
const shared = {};
let shots = 0;

async function shot(state, page, name, options = {}) {
  shots++;
  await page.screenshot({ path: join(state.screenshots, `g${String(shots).padStart(2, '0')}-${name}.png`), ...options });
}

const panel = (page) => page.getByTestId('job-panel');
const currentImage = (page) => page.getByTestId('current-image');
const currentSrcHash = async (page) => sha(await currentImage(page).getAttribute('src'));
const toast = (page, text) => page.locator('[data-sonner-toast]', { hasText: text });
const loaded = (locator) => locator.evaluate((img) => img.complete && img.naturalWidth > 0);

async function status(page, baseUrl) {
  return (await page.request.get(`${baseUrl}/api/v1/identities/image-session/`)).json();
}

/** As the page writes an estimated cost (src/lib/format.ts, formatUsd). */
const usd = (amount) => (amount > 0 && amount < 0.005 ? '<$0.01' : `$${amount.toFixed(2)}`);
const optionValues = (select) => select.locator('option').evaluateAll((options) => options.map((o) => o.value));
const json = (value) => JSON.stringify(value);

/** The emulator's log: one line per call, naming `:generateContent` or `:streamGenerateContent`. */
function emulatorCalls(state) {
  return readFileSync(state.emulatorLog, 'utf8').split('\n').filter((line) => /POST \/v1beta\/models\//.test(line));
}

/**
 * Watches the progress panel until the turn ends: every stage it said, the first thought line, whether a
 * draft loaded. `onProgress` runs once, when the panel shows a thought and a draft (or after 10 s, for a provider that streams none).
 */
async function watchTurn(page, onProgress) {
  const seen = { stages: [], thought: null, draft: false, elapsed: null };
  const started = Date.now();
  let reported = false;
  while (await panel(page).isVisible().catch(() => false)) {
    const stage = await panel(page).getByRole('status').innerText({ timeout: 500 }).catch(() => null);
    if (stage && seen.stages.at(-1) !== stage.trim()) seen.stages.push(stage.trim());
    seen.elapsed ??= await panel(page).getByRole('timer').innerText({ timeout: 500 }).catch(() => null);
    seen.thought ??= await panel(page).locator('.job-thoughts li').first().innerText({ timeout: 100 }).catch(() => null);
    if (!seen.draft) {
      const draft = panel(page).getByRole('img', { name: 'Draft 1' });
      seen.draft = (await draft.count()) > 0 && (await loaded(draft).catch(() => false));
    }
    if (onProgress && !reported && ((seen.thought && seen.draft) || Date.now() - started > 10_000)) {
      reported = true;
      await page.waitForTimeout(400); // a draft fades in
      await onProgress(seen);
    }
    await page.waitForTimeout(150);
  }
  return seen;
}

/**
 * The panel shows what the server streams. When the app asked Gemini to stream (the emulator saw a
 * `:streamGenerateContent` call), a thought line and a draft must have been on screen; with a provider
 * that still calls `:generateContent` there are none to show, and the flow says so.
 */
function checkStreamedProgress(state, seen, what) {
  const call = emulatorCalls(state).at(-1) ?? '';
  assert(seen.stages.length > 0, `${what}: the panel said the stage in words`);
  assert(/^\d+ s$/.test(seen.elapsed ?? ''), `${what}: the panel showed the elapsed time ("${seen.elapsed}")`);
  if (call.includes(':streamGenerateContent')) {
    assert(seen.thought, `${what}: a thought line was shown`);
    assert(seen.draft, `${what}: a draft was shown`);
    console.log(`     ${what}: stages ${seen.stages.join(' → ')}; thought "${seen.thought.slice(0, 60)}…"; a draft`);
  } else {
    console.log(`     ${what}: stages ${seen.stages.join(' → ')}; the provider called :generateContent (not streaming), so no thoughts or drafts to show`);
  }
}

test(
  'gemini: sign in and make an identity with references',
  async (state) => {
    const context = await state.browser.newContext({ viewport: { width: 1366, height: 900 } });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    state.page = page;
    shared.page = page;
    await page.goto(`${state.baseUrl}/images`);
    await page.getByLabel('Email').fill(state.adminEmail);
    await page.getByLabel('Password').fill(state.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Images', level: 1 }).waitFor();
    const created = await page.request.post(`${state.baseUrl}/api/v1/admin/identities/`, {
      data: { name: IDENTITY, description: 'Rear admiral, compiler pioneer' },
    });
    assertEqual(created.status(), 201, 'identity created');
    const identity = await created.json();
    const upload = await page.request.post(`${state.baseUrl}/api/v1/admin/identities/${identity.id}/reference-images/`, {
      multipart: { files: { name: 'grace.png', mimeType: 'image/png', buffer: portraitPng(200) } },
    });
    assertEqual(upload.status(), 201, 'reference uploaded');
    await page.reload();
    await page.getByLabel('Identity').selectOption({ label: `${IDENTITY} (1)` });
  },
  'gemini',
);

test(
  "gemini: the model picker offers only the catalogue's models, and each model's own ratios and resolutions",
  async (state) => {
    const page = shared.page;
    const answer = await page.request.get(`${state.baseUrl}/api/v1/image-options`);
    assertEqual(answer.status(), 200, 'GET /api/v1/image-options');
    const options = await answer.json();
    shared.options = options;
    assert(options.models.some((m) => m.engine === 'gemini'), 'the catalogue lists Gemini models');
    const fallback = options.models.find((m) => m.is_default) ?? options.models[0];

    const picker = page.getByLabel('Model', { exact: true });
    await eventually(async () => (await picker.inputValue()) === fallback.id, { message: 'the default model to be chosen' });
    const shown = await picker.locator('option').evaluateAll((all) => all.map((o) => ({ id: o.value, label: o.textContent })));
    assertEqual(json(shown), json(options.models.map((m) => ({ id: m.id, label: m.label }))), "the picker offers exactly the catalogue's models");

    for (const model of options.models) {
      await picker.selectOption(model.id);
      assertEqual(json(await optionValues(page.getByLabel('Aspect ratio'))), json(model.aspect_ratios), `${model.id}: its aspect ratios only`);
      assertEqual(json(await optionValues(page.getByLabel('Resolution'))), json(model.resolutions), `${model.id}: its resolutions only`);
      const resolution = await page.getByLabel('Resolution').inputValue();
      const price = model.price_per_image_usd?.[resolution];
      if (price != null) await page.getByText(`About ${usd(price)} per image at ${resolution}`).waitFor();
    }

    const modes = page.getByRole('group', { name: 'Edit mode' });
    if (options.edit_modes.length > 1) {
      assertEqual(await modes.getByRole('radio').count(), options.edit_modes.length, 'one choice per edit mode');
      const chosen = await modes.getByRole('radio', { checked: true }).getAttribute('value');
      assertEqual(chosen, options.default_edit_mode, 'the default edit mode is chosen');
    } else {
      assertEqual(await modes.count(), 0, 'no edit-mode choice when there is only one');
    }

    // Back to the default model at 1K and 16:9 for the flows that follow.
    await picker.selectOption(fallback.id);
    if (fallback.aspect_ratios.includes('16:9')) await page.getByLabel('Aspect ratio').selectOption('16:9');
    if (fallback.resolutions.includes('1K')) await page.getByLabel('Resolution').selectOption('1K');
    await shot(state, page, 'model-picker');
  },
  'gemini',
);

test(
  'gemini: Generate shows the stage, thoughts and drafts as they stream, then the image and a success toast',
  async (state) => {
    const page = shared.page;
    await page.getByLabel('Additional prompt').fill('at her desk, 1950s photograph');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await panel(page).waitFor();
    assertEqual(await page.getByRole('button', { name: 'Generating…' }).isDisabled(), true, 'Generate disabled while running');
    const seen = await watchTurn(page, () => shot(state, page, 'generate-progress-desktop'));
    checkStreamedProgress(state, seen, 'generate');
    await toast(page, 'Image generated.').waitFor({ timeout: 120_000 });
    await panel(page).waitFor({ state: 'detached' });
    await currentImage(page).waitFor();
    await eventually(() => loaded(currentImage(page)), { message: 'the generated image to load' });
    assertEqual(await page.getByTitle('The image provider that made this image').innerText(), 'Gemini', 'made by Gemini');
    shared.generatedHash = await currentSrcHash(page);
    await shot(state, page, 'generated');
  },
  'gemini',
);

test(
  'gemini: a reload mid-edit picks the job up again, and it ends with "Edit applied."',
  async (state) => {
    const page = shared.page;
    await page.getByLabel('Edit this image:').fill('make it black and white');
    await page.getByRole('button', { name: 'Apply Edit' }).click();
    await panel(page).waitFor();
    assert(await panel(page).getByRole('button', { name: 'Cancel' }).evaluate((b) => b === document.activeElement), 'Cancel has focus');
    assert(await page.getByRole('button', { name: 'Generate New' }).isDisabled(), 'Generate New disabled while editing');
    await page.waitForTimeout(2500); // well inside the turn (about 13 s)
    const running = await status(page, state.baseUrl);
    assert(running.running_job && running.running_job.kind === 'edit', 'the status names the running edit');

    await page.reload();
    await panel(page).waitFor({ timeout: 30_000 });
    assertEqual(await panel(page).count(), 1, 'the running edit is on screen again');
    assert(await page.getByRole('button', { name: 'Generate New' }).isDisabled(), 'still disabled after the reload');
    const seen = await watchTurn(page, () => shot(state, page, 'reloaded-mid-edit'));
    checkStreamedProgress(state, seen, 'edit after a reload');
    await toast(page, 'Edit applied.').waitFor({ timeout: 120_000 });
    await panel(page).waitFor({ state: 'detached' });
    await eventually(async () => (await currentSrcHash(page)) !== shared.generatedHash, { message: 'the edited image' });
    shared.editedHash = await currentSrcHash(page);
  },
  'gemini',
);

test(
  'gemini: Cancel stops the edit and leaves the image as it was',
  async (state) => {
    const page = shared.page;
    const before = await status(page, state.baseUrl);
    await page.getByLabel('Edit this image:').fill('sepia');
    await page.getByLabel('Edit this image:').press('Enter');
    await panel(page).waitFor();
    await page.waitForTimeout(2500);
    await shot(state, page, 'before-cancel');
    await panel(page).getByRole('button', { name: 'Cancel' }).click();
    await toast(page, 'Edit cancelled.').waitFor({ timeout: 30_000 });
    await panel(page).waitFor({ state: 'detached' });
    const after = await status(page, state.baseUrl);
    assertEqual(after.version_id, before.version_id, 'the session is unchanged');
    assertEqual(after.running_job, null, 'nothing runs any more');
    assertEqual(await currentSrcHash(page), shared.editedHash, 'the image on screen is unchanged');
    assertEqual(await page.getByLabel('Edit this image:').inputValue(), 'sepia', 'the cancelled instruction stays');
    const jobs = await (await page.request.get(`${state.baseUrl}/api/v1/identities/image-session/jobs/?status=cancelled`)).json();
    assertEqual(jobs.length, 1, 'one cancelled job');
    await shot(state, page, 'cancelled');
  },
  'gemini',
);

test(
  "gemini: each version's estimated cost and model show in the history, the session's total beside the image",
  async (state) => {
    const page = shared.page;
    const history = await (await page.request.get(`${state.baseUrl}/api/v1/identities/image-session/history/`)).json();
    const session = await status(page, state.baseUrl);
    const models = new Map((shared.options?.models ?? []).map((m) => [m.id, m.label]));
    assert(history.versions.length >= 2, 'a generated and an edited version');
    assert(session.model && models.has(session.model), `the session names a catalogue model (${session.model})`);
    assertEqual(session.edit_mode, shared.options.default_edit_mode, 'the session has the default edit mode');

    const strip = page.getByRole('region', { name: /History/ });
    let sum = 0;
    for (const [index, version] of history.versions.entries()) {
      const what = `version ${index + 1}`;
      assertEqual(version.model, session.model, `${what} names its model`);
      assert(typeof version.estimated_cost_usd === 'number' && version.estimated_cost_usd > 0, `${what} has an estimated cost`);
      sum += version.estimated_cost_usd;
      const item = strip.getByRole('button', { name: new RegExp(`^Version ${index + 1},`) });
      await eventually(async () => (await item.locator('.history-cost').innerText()).trim() === usd(version.estimated_cost_usd), {
        message: `${what}'s cost ${usd(version.estimated_cost_usd)} under its thumbnail`,
      });
      const details = `${await item.getAttribute('title')} ${await item.getAttribute('aria-label')}`;
      assert(details.includes(models.get(version.model)), `${what}'s tooltip and name say the model ("${details}")`);
      assert(details.includes(usd(version.estimated_cost_usd)), `${what}'s tooltip and name say the cost`);
    }

    assert(typeof session.estimated_cost_usd === 'number', "the status carries the session's total");
    assert(session.estimated_cost_usd + 1e-9 >= sum, `the total (${session.estimated_cost_usd}) covers every version (${sum})`);
    await page.getByText(`Session total ${usd(session.estimated_cost_usd)}`).waitFor();
    await page.getByTitle("The model that makes this session's images").getByText(models.get(session.model)).waitFor();
    await page.getByText(session.edit_mode === 'chat' ? 'chat edits' : 'single-turn edits', { exact: true }).waitFor();
    await shot(state, page, 'cost-in-history');
  },
  'gemini',
);

test(
  'gemini: the progress panel on a phone (360 px) sits under the image, without sideways scrolling',
  async (state) => {
    const context = await state.browser.newContext({
      viewport: { width: 360, height: 780 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      storageState: await shared.page.context().storageState(),
    });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    state.page = page;
    await page.goto(`${state.baseUrl}/images`);
    await page.getByLabel('Edit this image:').fill('rotate 90');
    await page.getByRole('button', { name: 'Apply Edit' }).click();
    await panel(page).waitFor();
    let checked = false;
    const seen = await watchTurn(page, async () => {
      checked = true;
      await checkPhoneLayout(state, page);
    });
    assert(checked, 'the phone layout was checked while the turn ran');
    checkStreamedProgress(state, seen, 'phone edit');
    await toast(page, 'Edit applied.').waitFor({ timeout: 120_000 });
    await context.close();
    state.page = shared.page;
    await shared.page.context().close();
  },
  'gemini',
);

test(
  "gemini: the admin Usage page totals the suite's images and cost, and fits a phone (360 px)",
  async (state) => {
    const context = await state.browser.newContext({ viewport: { width: 360, height: 780 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    state.page = page;
    await page.goto(`${state.baseUrl}/usage`);
    await page.getByLabel('Email').fill(state.adminEmail);
    await page.getByLabel('Password').fill(state.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();

    const answer = await page.request.get(`${state.baseUrl}/api/v1/admin/usage/?days=30`);
    assertEqual(answer.status(), 200, 'GET /api/v1/admin/usage/?days=30');
    const { days } = await answer.json();
    const mine = days.filter((d) => d.email === state.adminEmail);
    assert(mine.reduce((n, d) => n + d.images, 0) >= 2, 'the admin made at least two images today');
    const images = days.reduce((n, d) => n + d.images, 0);
    const cost = days.reduce((n, d) => n + (d.estimated_cost_usd ?? 0), 0);
    assert(cost > 0, 'the usage is priced');

    const byDay = page.getByRole('table', { name: 'By day' });
    await byDay.getByRole('cell', { name: state.adminEmail }).first().waitFor();
    const totals = await byDay.locator('tfoot td').allInnerTexts();
    assertEqual(totals[0], images.toLocaleString('en'), 'the total of images');
    assertEqual(totals[2], usd(cost), 'the total cost');

    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 360, `no horizontal page scrolling (page ${width}px wide)`);
    await shot(state, page, 'usage-phone', { fullPage: true });
    await context.close();
  },
  'gemini',
);

async function checkPhoneLayout(state, page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `no horizontal scrolling (overflow ${overflow}px)`);
  const image = await page.locator('.stage').boundingBox();
  const box = await panel(page).boundingBox();
  assert(box.y >= image.y + image.height - 1, 'the panel is below the image on a phone');
  await panel(page).scrollIntoViewIfNeeded();
  await shot(state, page, 'phone-progress');
  await shot(state, page, 'phone-progress-full', { fullPage: true });
}
