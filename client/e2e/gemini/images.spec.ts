// The Images page against the app with ImageProvider:Kind=Gemini, pointed at the Gemini emulator
// (server/tests/Likeness.GeminiEmulator) slowed down by playwright.config.ts: every turn streams thoughts
// and drafts for about 13 s, so the progress panel, Cancel and a reload mid-turn can be watched.
// Each test makes its own user and identity; an image a test only needs to exist is made through the API.
import { readFileSync } from 'node:fs';
import type { APIRequestContext, Page } from '@playwright/test';
import {
  createIdentity,
  currentImage,
  currentSrcHash,
  expect,
  expectLoaded,
  overflow,
  panel,
  shot,
  signIn,
  signedInRequest,
  status,
  test as base,
  toast,
  unique,
  type Identity,
} from '../fixtures';

const test = base.extend<{ grace: Identity }>({
  grace: async ({ admin }, use) => {
    await use(await createIdentity(admin, unique('Grace Hopper'), [200], 'Rear admiral, compiler pioneer'));
  },
});

type Model = {
  id: string;
  label: string;
  engine: string;
  is_default?: boolean;
  aspect_ratios: string[];
  resolutions: string[];
  price_per_image_usd?: Record<string, number>;
};
type ImageOptions = { models: Model[]; edit_modes: string[]; default_edit_mode: string };

/** As the page writes an estimated cost (src/lib/format.ts, formatUsd). */
const usd = (amount: number) => (amount > 0 && amount < 0.005 ? '<$0.01' : `$${amount.toFixed(2)}`);

async function imageOptions(request: APIRequestContext): Promise<ImageOptions> {
  const answer = await request.get('/api/v1/image-options');
  expect(answer.status(), 'GET /api/v1/image-options').toBe(200);
  return answer.json();
}

/** The emulator's log: one line per call, naming `:generateContent` or `:streamGenerateContent`. */
function emulatorCalls() {
  return readFileSync(process.env.E2E_EMULATOR_LOG!, 'utf8')
    .split('\n')
    .filter((line) => /POST \/v1beta\/models\//.test(line));
}

/** A first image made through the API (it answers when the turn is done, about 13 s). */
async function seedImage(request: APIRequestContext, identity: Identity) {
  const answer = await request.post('/api/v1/identities/generate-image/', {
    data: { identity_id: identity.id, aspect_ratio: '16:9', resolution: '1K' },
    timeout: 180_000,
  });
  expect(answer.status(), `seeding an image: ${answer.status() >= 400 ? await answer.text() : ''}`).toBeLessThan(300);
}

/** The Images page with the identity chosen, and the default model at 16:9 and 1K. */
async function openForm(page: Page, identity: Identity) {
  await page.goto('/images');
  await page.getByLabel('Identity').selectOption({ label: `${identity.name} (${identity.references})` });
  const { models } = await imageOptions(page.request);
  const fallback = models.find((m) => m.is_default) ?? models[0];
  await expect(page.getByLabel('Model', { exact: true }), 'the default model to be chosen').toHaveValue(fallback.id);
  if (fallback.aspect_ratios.includes('16:9')) await page.getByLabel('Aspect ratio').selectOption('16:9');
  if (fallback.resolutions.includes('1K')) await page.getByLabel('Resolution').selectOption('1K');
}

type Seen = { stages: string[]; thought: string | null; draft: boolean; elapsed: string | null };

/**
 * Watches the progress panel until the turn ends: every stage it said, the first thought line, whether a
 * draft loaded. `onProgress` runs once, when the panel shows a thought and a draft (or after 10 s, for a provider that streams none).
 */
async function watchTurn(page: Page, onProgress?: (seen: Seen) => Promise<unknown>) {
  const seen: Seen = { stages: [], thought: null, draft: false, elapsed: null };
  const started = Date.now();
  let reported = false;
  // Each read waits a little (a busy 2-core machine is slow to answer) but never past the end of the turn.
  while (await panel(page).isVisible().catch(() => false)) {
    const stage = await panel(page).getByRole('status').innerText({ timeout: 2_000 }).catch(() => null);
    if (stage && seen.stages.at(-1) !== stage.trim()) seen.stages.push(stage.trim());
    // An empty read (seen once on a loaded machine, just after a reload) is not a reading: try again next time.
    if (!seen.elapsed) seen.elapsed = (await panel(page).getByRole('timer').innerText({ timeout: 2_000 }).catch(() => null)) || null;
    seen.thought ??= await panel(page).locator('.job-thoughts li').first().innerText({ timeout: 500 }).catch(() => null);
    if (!seen.draft) {
      const draft = panel(page).getByRole('img', { name: 'Draft 1' });
      seen.draft = (await draft.count()) > 0 && (await draft.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0).catch(() => false));
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
 * that still calls `:generateContent` there are none to show, and the flow says so. (Every turn of the
 * app is made the same way, so the last call in the shared log tells, whichever test made it.)
 */
function checkStreamedProgress(seen: Seen, what: string) {
  const call = emulatorCalls().at(-1) ?? '';
  expect(seen.stages.length, `${what}: the panel said the stage in words`).toBeGreaterThan(0);
  expect(seen.elapsed ?? '', `${what}: the panel showed the elapsed time`).toMatch(/^\d+ s$/);
  let note: string;
  if (call.includes(':streamGenerateContent')) {
    expect(seen.thought, `${what}: a thought line was shown`).toBeTruthy();
    expect(seen.draft, `${what}: a draft was shown`).toBe(true);
    note = `stages ${seen.stages.join(' → ')}; thought "${seen.thought!.slice(0, 60)}…"; a draft`;
  } else {
    note = `stages ${seen.stages.join(' → ')}; the provider called :generateContent (not streaming), so no thoughts or drafts to show`;
  }
  test.info().annotations.push({ type: what, description: note });
}

test("the model picker offers only the catalogue's models, and each model's own ratios and resolutions", async ({ page, grace }) => {
  const options = await imageOptions(page.request);
  expect(options.models.some((m) => m.engine === 'gemini'), 'the catalogue lists Gemini models').toBe(true);
  const fallback = options.models.find((m) => m.is_default) ?? options.models[0];
  await page.goto('/images');
  await page.getByLabel('Identity').selectOption({ label: `${grace.name} (1)` });

  const picker = page.getByLabel('Model', { exact: true });
  await expect(picker, 'the default model to be chosen').toHaveValue(fallback.id);
  const shown = await picker.locator('option').evaluateAll((all) => all.map((o) => ({ id: (o as HTMLOptionElement).value, label: o.textContent })));
  expect(shown, "the picker offers exactly the catalogue's models").toEqual(options.models.map((m) => ({ id: m.id, label: m.label })));

  const optionValues = (label: string) =>
    page.getByLabel(label).locator('option').evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value));
  for (const model of options.models) {
    await picker.selectOption(model.id);
    expect(await optionValues('Aspect ratio'), `${model.id}: its aspect ratios only`).toEqual(model.aspect_ratios);
    expect(await optionValues('Resolution'), `${model.id}: its resolutions only`).toEqual(model.resolutions);
    const resolution = await page.getByLabel('Resolution').inputValue();
    const price = model.price_per_image_usd?.[resolution];
    if (price != null) await expect(page.getByText(`About ${usd(price)} per image at ${resolution}`)).toBeVisible();
  }

  const modes = page.getByRole('group', { name: 'Edit mode' });
  if (options.edit_modes.length > 1) {
    await expect(modes.getByRole('radio'), 'one choice per edit mode').toHaveCount(options.edit_modes.length);
    await expect(modes.getByRole('radio', { checked: true }), 'the default edit mode is chosen').toHaveAttribute('value', options.default_edit_mode);
  } else {
    await expect(modes, 'no edit-mode choice when there is only one').toHaveCount(0);
  }
  await picker.selectOption(fallback.id);
  await shot(page, 'model-picker');
});

test('Generate shows the stage, thoughts and drafts as they stream, then the image and a success toast', async ({ page, grace }) => {
  await openForm(page, grace);
  await page.getByLabel('Additional prompt').fill('at her desk, 1950s photograph');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(panel(page)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Generating…' }), 'Generate disabled while running').toBeDisabled();
  // Watched from now on: the toast lasts a few seconds, and the panel's pictures can take longer on a busy machine.
  const generated = expect(toast(page, 'Image generated.')).toBeVisible({ timeout: 180_000 });
  const seen = await watchTurn(page, () => shot(page, 'generate-progress-desktop'));
  checkStreamedProgress(seen, 'generate');
  await generated;
  await expect(panel(page)).toHaveCount(0);
  await currentImage(page).waitFor();
  await expectLoaded(currentImage(page), 'the generated image to load');
  await expect(page.getByTitle('The image provider that made this image'), 'made by Gemini').toHaveText('Gemini');
  await shot(page, 'generated');
});

test('a reload mid-edit picks the job up again, and it ends with "Edit applied."', async ({ page, grace }) => {
  await seedImage(page.request, grace);
  await page.goto('/images');
  await expectLoaded(currentImage(page), 'the seeded image');
  const generated = await currentSrcHash(page);
  await page.getByLabel('Edit this image:').fill('make it black and white');
  await page.getByRole('button', { name: 'Apply Edit' }).click();
  await expect(panel(page)).toBeVisible();
  await expect(panel(page).getByRole('button', { name: 'Cancel' }), 'Cancel has focus').toBeFocused();
  await expect(page.getByRole('button', { name: 'Generate New' }), 'Generate New disabled while editing').toBeDisabled();
  // Reloaded as soon as the server runs the edit: the turn lasts about 13 s, and a busy machine is slow to reload.
  await expect.poll(async () => (await status(page)).running_job?.kind, { message: 'the status names the running edit' }).toBe('edit');

  await page.reload();
  await expect(panel(page), 'the running edit is on screen again').toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Generate New' }), 'still disabled after the reload').toBeDisabled();
  const applied = expect(toast(page, 'Edit applied.')).toBeVisible({ timeout: 180_000 }); // watched from now on
  const seen = await watchTurn(page, () => shot(page, 'reloaded-mid-edit'));
  checkStreamedProgress(seen, 'edit after a reload');
  await applied;
  await expect(panel(page)).toHaveCount(0);
  await expect.poll(() => currentSrcHash(page), { message: 'the edited image' }).not.toBe(generated);
});

test('Cancel stops the edit and leaves the image as it was', async ({ page, grace }) => {
  await seedImage(page.request, grace);
  await page.goto('/images');
  await expectLoaded(currentImage(page), 'the seeded image');
  const before = await status(page);
  const beforeHash = await currentSrcHash(page);
  await page.getByLabel('Edit this image:').fill('sepia');
  await page.getByLabel('Edit this image:').press('Enter');
  await expect(panel(page)).toBeVisible();
  // Cancelled while the turn (about 13 s) runs on the server, without waiting longer: a busy machine is slow.
  await expect.poll(async () => (await status(page)).running_job?.kind, { message: 'the edit running' }).toBe('edit');
  await shot(page, 'before-cancel');
  await panel(page).getByRole('button', { name: 'Cancel' }).click();
  await expect(toast(page, 'Edit cancelled.')).toBeVisible({ timeout: 30_000 });
  await expect(panel(page)).toHaveCount(0);
  const after = await status(page);
  expect(after.version_id, 'the session is unchanged').toBe(before.version_id);
  expect(after.running_job, 'nothing runs any more').toBeNull();
  expect(await currentSrcHash(page), 'the image on screen is unchanged').toBe(beforeHash);
  await expect(page.getByLabel('Edit this image:'), 'the cancelled instruction stays').toHaveValue('sepia');
  const jobs = await (await page.request.get('/api/v1/identities/image-session/jobs/?status=cancelled')).json();
  expect(jobs.length, 'one cancelled job').toBe(1);
  await shot(page, 'cancelled');
});

test("each version's estimated cost and model show in the history, the session's total beside the image", async ({ page, grace }) => {
  await seedImage(page.request, grace);
  const edited = await page.request.post('/api/v1/identities/edit-image/', { data: { edit_prompt: 'rotate 90' }, timeout: 180_000 });
  expect(edited.status(), 'an edit').toBeLessThan(300);
  await page.goto('/images');
  await expectLoaded(currentImage(page), 'the edited image');
  const options = await imageOptions(page.request);
  const history = await (await page.request.get('/api/v1/identities/image-session/history/')).json();
  const session = await status(page);
  const models = new Map(options.models.map((m) => [m.id, m.label]));
  expect(history.versions.length, 'a generated and an edited version').toBeGreaterThanOrEqual(2);
  expect(models.has(session.model), `the session names a catalogue model (${session.model})`).toBe(true);
  expect(session.edit_mode, 'the session has the default edit mode').toBe(options.default_edit_mode);

  const strip = page.getByRole('region', { name: /History/ });
  let sum = 0;
  for (const [index, version] of (history.versions as { model: string; estimated_cost_usd: number }[]).entries()) {
    const what = `version ${index + 1}`;
    expect(version.model, `${what} names its model`).toBe(session.model);
    expect(typeof version.estimated_cost_usd === 'number' && version.estimated_cost_usd > 0, `${what} has an estimated cost`).toBe(true);
    sum += version.estimated_cost_usd;
    const item = strip.getByRole('button', { name: new RegExp(`^Version ${index + 1},`) });
    await expect(item.locator('.history-cost'), `${what}'s cost under its thumbnail`).toHaveText(usd(version.estimated_cost_usd));
    const details = `${await item.getAttribute('title')} ${await item.getAttribute('aria-label')}`;
    expect(details, `${what}'s tooltip and name say the model`).toContain(models.get(version.model));
    expect(details, `${what}'s tooltip and name say the cost`).toContain(usd(version.estimated_cost_usd));
  }

  expect(typeof session.estimated_cost_usd, "the status carries the session's total").toBe('number');
  expect(session.estimated_cost_usd + 1e-9, 'the total covers every version').toBeGreaterThanOrEqual(sum);
  await expect(page.getByText(`Session total ${usd(session.estimated_cost_usd)}`)).toBeVisible();
  await expect(page.getByTitle("The model that makes this session's images").getByText(models.get(session.model)!)).toBeVisible();
  await expect(page.getByText(session.edit_mode === 'chat' ? 'chat edits' : 'single-turn edits', { exact: true })).toBeVisible();
  await shot(page, 'cost-in-history');
});

test('the progress panel on a phone (360 px) sits under the image, without sideways scrolling @phone-only', async ({ page, grace }) => {
  await seedImage(page.request, grace);
  await page.goto('/images');
  await expectLoaded(currentImage(page), 'the seeded image');
  await page.getByLabel('Edit this image:').fill('rotate 90');
  await page.getByRole('button', { name: 'Apply Edit' }).click();
  await expect(panel(page)).toBeVisible();
  const applied = expect(toast(page, 'Edit applied.')).toBeVisible({ timeout: 180_000 }); // watched from now on
  let checked = false;
  const seen = await watchTurn(page, async () => {
    checked = true;
    expect(await overflow(page), 'no horizontal scrolling').toBeLessThanOrEqual(0);
    const image = (await page.locator('.stage').boundingBox())!;
    const box = (await panel(page).boundingBox())!;
    expect(box.y, 'the panel is below the image on a phone').toBeGreaterThanOrEqual(image.y + image.height - 1);
    await panel(page).scrollIntoViewIfNeeded();
    await shot(page, 'phone-progress');
    await shot(page, 'phone-progress-full', { fullPage: true });
  });
  expect(checked, 'the phone layout was checked while the turn ran').toBe(true);
  checkStreamedProgress(seen, 'phone edit');
  await applied;
});

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("the admin Usage page totals the images and cost, and fits a phone (360 px) @phone-only", async ({ page, account, grace, playwright, baseURL }) => {
    // Two images of this admin's own, made through the API.
    const api = await signedInRequest(playwright, baseURL!, account);
    await seedImage(api, grace);
    expect((await api.post('/api/v1/identities/edit-image/', { data: { edit_prompt: 'sepia' }, timeout: 180_000 })).status(), 'an edit').toBeLessThan(300);
    await api.dispose();

    await signIn(page, account.email, account.password, '/usage');
    await expect(page.getByRole('heading', { name: 'Usage', level: 1 })).toBeVisible();
    const byDay = page.getByRole('table', { name: 'By day' });
    // Other tests make images meanwhile: the page and the API are read again until they agree.
    await expect(async () => {
      await page.reload();
      await expect(byDay.getByRole('cell', { name: account.email }).first()).toBeVisible();
      const totals = await byDay.locator('tfoot td').allInnerTexts();
      const answer = await page.request.get('/api/v1/admin/usage/?days=30');
      expect(answer.status(), 'GET /api/v1/admin/usage/?days=30').toBe(200);
      type Day = { email: string; images: number; estimated_cost_usd?: number };
      const { days } = (await answer.json()) as { days: Day[] };
      const mine = days.filter((d) => d.email === account.email);
      expect(mine.reduce((n, d) => n + d.images, 0), 'the admin made at least two images today').toBeGreaterThanOrEqual(2);
      const images = days.reduce((n, d) => n + d.images, 0);
      const cost = days.reduce((n, d) => n + (d.estimated_cost_usd ?? 0), 0);
      expect(cost, 'the usage is priced').toBeGreaterThan(0);
      expect(totals[0], 'the total of images').toBe(images.toLocaleString('en'));
      expect(totals[2], 'the total cost').toBe(usd(cost));
    }).toPass({ timeout: 90_000 });

    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, 'no horizontal page scrolling').toBeLessThanOrEqual(360);
    await shot(page, 'usage-phone', { fullPage: true });
  });
});
