// The user journeys of issues 3 and 4, in order. Each step leaves a screenshot in e2e/screenshots/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, assertEqual, eventually, sha, test } from './harness.mjs';
import { PNG_SIGNATURE, portraitPng } from './png.mjs';

let shotCount = 0;
/** Every browser context of the suite: generous timeouts, since CI machines are small and busy. */
async function newContext(state, options) {
  const context = await state.browser.newContext(options);
  context.setDefaultTimeout(60_000);
  return context;
}

async function shot(state, page, name) {
  shotCount++;
  await page.screenshot({ path: join(state.screenshots, `${String(shotCount).padStart(2, '0')}-${name}.png`) });
}

const currentImage = (page) => page.getByTestId('current-image');
const currentSrcHash = async (page) => sha(await currentImage(page).getAttribute('src'));
/** The version on screen: its URL differs by whose prefix it is seen through, its id does not. */
const currentVersionId = async (page) => /\/versions\/([^/]+)\/image\/?$/.exec(await currentImage(page).getAttribute('src'))?.[1];
const editInput = (page) => page.getByLabel('Edit this image:');
const toast = (page, text) => page.locator('[data-sonner-toast]', { hasText: text });

async function waitIdle(page) {
  // No job's progress panel and no version-switch overlay: nothing is running.
  await page.getByTestId('job-panel').waitFor({ state: 'detached', timeout: 120_000 });
  await page.locator('.stage-overlay').waitFor({ state: 'detached', timeout: 120_000 });
}

async function signIn(page, baseUrl, email, password) {
  await page.goto(`${baseUrl}/images`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Images', level: 1 }).waitFor();
}

async function status(page, baseUrl) {
  const response = await page.request.get(`${baseUrl}/api/v1/identities/image-session/`);
  return response.json();
}

async function applyEdit(page, instruction, { pressEnter = false } = {}) {
  const before = await currentSrcHash(page);
  await editInput(page).fill(instruction);
  if (pressEnter) await editInput(page).press('Enter');
  else await page.getByRole('button', { name: 'Apply Edit' }).click();
  await eventually(async () => (await currentSrcHash(page)) !== before, {
    timeout: 120_000,
    message: `the image to change after "${instruction}"`,
  });
  await waitIdle(page);
  return before;
}

const IDENTITY = 'Ada Lovelace';
const shared = {};

test('sign in: wrong password shows the server message, right one opens the app', async (state) => {
  const context = await newContext(state, { viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  state.page = page;
  shared.admin = page;
  await page.goto(`${state.baseUrl}/`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await shot(state, page, 'sign-in');
  await page.getByLabel('Email').fill(state.adminEmail);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Invalid email or password.' }).waitFor();
  await shot(state, page, 'sign-in-wrong-password');
  await page.getByLabel('Password').fill(state.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Images', level: 1 }).waitFor();
  await page.locator('.whoami-email', { hasText: state.adminEmail }).waitFor();
  await page.getByText('No active session').waitFor();
  await shot(state, page, 'images-no-session');
});

test('create an identity and upload reference images', async (state) => {
  const page = shared.admin;
  await page.getByRole('link', { name: 'Identities' }).click();
  await page.getByRole('heading', { name: 'Identities', level: 1 }).waitFor();
  await page.getByLabel('Name', { exact: true }).first().fill(IDENTITY);
  await page.getByLabel('Description').first().fill('Mathematician, first programmer');
  await page.getByRole('button', { name: 'Create identity' }).click();
  await page.getByRole('heading', { name: IDENTITY, level: 2 }).waitFor();
  await shot(state, page, 'identity-created');

  await page.getByLabel(/Add reference images/).setInputFiles([
    { name: 'ada-1.png', mimeType: 'image/png', buffer: portraitPng(210) },
    { name: 'ada-2.png', mimeType: 'image/png', buffer: portraitPng(30) },
    { name: 'ada-3.png', mimeType: 'image/png', buffer: portraitPng(120) },
  ]);
  await page.getByRole('img', { name: 'Reference image 3' }).waitFor();
  await eventually(
    () => page.getByRole('img', { name: 'Reference image 1' }).evaluate((img) => img.complete && img.naturalWidth > 0),
    { message: 'the reference thumbnail to load' },
  );
  await shot(state, page, 'reference-images-uploaded');

  // A file the server refuses: its validation message arrives as a toast.
  await page.getByLabel(/Add reference images/).setInputFiles([
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') },
  ]);
  const refusal = page.locator('[data-sonner-toast][data-type="error"]').first();
  await refusal.waitFor();
  const message = (await refusal.innerText()).trim();
  assert(message.length > 0, 'the refusal toast has the server message');
  console.log(`     refused upload: ${message}`);
  await shot(state, page, 'reference-upload-refused');
  await page.getByText('3 / 14').waitFor();

  // Rename round trip.
  const nameField = page.locator('#identity-name');
  await nameField.fill(`${IDENTITY} (draft)`);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('heading', { name: `${IDENTITY} (draft)`, level: 2 }).waitFor();
  await nameField.fill(IDENTITY);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('heading', { name: IDENTITY, level: 2 }).waitFor();
});

test('generate an image: loading state, then the plan edit section', async (state) => {
  const page = shared.admin;
  await page.getByRole('link', { name: 'Images' }).click();
  await page.getByLabel('Identity').selectOption({ label: `${IDENTITY} (3)` });
  await page.getByLabel('Additional prompt').fill('portrait in a Victorian study');
  await page.getByLabel('Aspect ratio').selectOption('16:9');
  assertEqual(await page.getByLabel('Resolution').inputValue(), '1K', 'default resolution');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const panel = page.getByTestId('job-panel');
  if (await panel.isVisible().catch(() => false)) await shot(state, page, 'generating');
  await currentImage(page).waitFor({ timeout: 120_000 });
  await waitIdle(page);
  await toast(page, 'Image generated.').waitFor();
  await page.getByLabel('Edit this image:').waitFor();
  const apply = page.getByRole('button', { name: 'Apply Edit' });
  assert(await apply.isDisabled(), 'Apply Edit is disabled while the input is empty');
  assert(await page.getByRole('button', { name: 'Generate New' }).isEnabled(), 'Generate New is enabled');
  await page.getByText('local engine').first().waitFor();
  // Issue 11, finding 17: at 1366×900 the edit buttons are above the fold after a 16:9 generate.
  await page.evaluate(() => window.scrollTo(0, 0));
  const applyBox = await apply.boundingBox();
  assert(applyBox && applyBox.y + applyBox.height <= 900, `Apply Edit above the fold (bottom at ${applyBox && applyBox.y + applyBox.height}px)`);
  await shot(state, page, 'generated');
  shared.generatedHash = await currentSrcHash(page);
});

test('apply two edits: the image changes each time and the input clears', async (state) => {
  const page = shared.admin;
  await editInput(page).fill('rotate 90');
  await editInput(page).press('Enter');
  // Both buttons are disabled while the edit runs.
  const panel = page.getByTestId('job-panel');
  if (await panel.isVisible().catch(() => false)) {
    assert(await page.getByRole('button', { name: 'Generate New' }).isDisabled(), 'Generate New disabled while editing');
    await shot(state, page, 'editing');
  }
  await eventually(async () => (await currentSrcHash(page)) !== shared.generatedHash, {
    timeout: 120_000,
    message: 'the first edit to change the image',
  });
  await waitIdle(page);
  await toast(page, 'Edit applied.').first().waitFor();
  assertEqual(await editInput(page).inputValue(), '', 'input cleared after the edit');
  shared.edit1Hash = await currentSrcHash(page);
  await shot(state, page, 'edit-1');

  await applyEdit(page, 'make it black and white');
  shared.edit2Hash = await currentSrcHash(page);
  assert(shared.edit2Hash !== shared.edit1Hash, 'the second edit changed the image');
  assertEqual(await editInput(page).inputValue(), '', 'input cleared after the second edit');
  await page.getByRole('button', { name: /Version 3, edit: make it black and white \(current\)/ }).waitFor();
  await shot(state, page, 'edit-2');
});

test('reload restores the session', async (state) => {
  const page = shared.admin;
  await page.reload();
  await currentImage(page).waitFor({ timeout: 30_000 });
  assertEqual(await currentSrcHash(page), shared.edit2Hash, 'image after reload');
  assertEqual(await page.getByLabel('Aspect ratio').inputValue(), '16:9', 'aspect ratio restored');
  await page.getByRole('button', { name: /Version 3.*\(current\)/ }).waitFor();
  await shot(state, page, 'reloaded');
});

test('a refused edit shows the server message in a toast and keeps the image', async (state) => {
  const page = shared.admin;
  const instruction = 'make the jacket red';
  // What the server says about this instruction (refused edits do not change the session).
  const answer = await page.request.post(`${state.baseUrl}/api/v1/identities/edit-image/`, {
    data: { edit_prompt: instruction },
  });
  assertEqual(answer.status(), 422, 'the local engine refuses an unknown instruction');
  const { detail } = await answer.json();
  assert(detail, 'the refusal has a detail');

  await editInput(page).fill(instruction);
  await page.getByRole('button', { name: 'Apply Edit' }).click();
  await toast(page, detail.slice(0, 40)).waitFor({ timeout: 60_000 });
  const text = await toast(page, detail.slice(0, 40)).innerText();
  assert(text.includes(detail), `toast "${text}" carries the server detail "${detail}"`);
  assertEqual(await currentSrcHash(page), shared.edit2Hash, 'image unchanged after a refusal');
  assertEqual(await editInput(page).inputValue(), instruction, 'the refused instruction stays for fixing');
  await page.waitForTimeout(600); // let the toast finish sliding in
  await shot(state, page, 'edit-refused');
  await editInput(page).fill('');
});

test('undo and redo: buttons and Ctrl+Z / Ctrl+Shift+Z', async (state) => {
  const page = shared.admin;
  await page.getByRole('button', { name: /Undo/ }).click();
  await eventually(async () => (await currentSrcHash(page)) === shared.edit1Hash, { message: 'undo to edit 1' });
  await waitIdle(page);
  await page.getByRole('button', { name: /Version 2.*\(current\)/ }).waitFor();
  await shot(state, page, 'undo');

  await page.getByRole('button', { name: /Redo/ }).click();
  await eventually(async () => (await currentSrcHash(page)) === shared.edit2Hash, { message: 'redo to edit 2' });
  await waitIdle(page);

  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Control+z');
  await eventually(async () => (await currentSrcHash(page)) === shared.edit1Hash, { message: 'Ctrl+Z' });
  await waitIdle(page);
  await page.keyboard.press('Control+Shift+z');
  await eventually(async () => (await currentSrcHash(page)) === shared.edit2Hash, { message: 'Ctrl+Shift+Z' });
  await waitIdle(page);
  assert(await page.getByRole('button', { name: /Redo/ }).isDisabled(), 'nothing more to redo');
  await shot(state, page, 'redo');
});

test('select a version from the history strip, and branch from it', async (state) => {
  const page = shared.admin;
  await page.getByRole('button', { name: /^Version 1, generated/ }).click();
  await eventually(async () => (await currentSrcHash(page)) === shared.generatedHash, { message: 'version 1 selected' });
  await waitIdle(page);
  await page.getByRole('button', { name: /Version 1.*\(current\)/ }).waitFor();
  await eventually(
    () => page.locator('.history-item img').first().evaluate((img) => img.complete && img.naturalWidth > 0),
    { message: 'history thumbnails to load' },
  );
  await shot(state, page, 'history-selected-v1');

  // An edit from an older version branches; the newer line stays reachable.
  await applyEdit(page, 'flip horizontally');
  await page.getByRole('button', { name: /Version 4, edit: flip horizontally \(from version 1\) \(current\)/ }).waitFor();
  await page.getByRole('button', { name: /^Version 3, edit: make it black and white/ }).click();
  await eventually(async () => (await currentSrcHash(page)) === shared.edit2Hash, { message: 'the old line reachable' });
  await waitIdle(page);
  await shot(state, page, 'history-branch');
});

test('compare the current image with its parent', async (state) => {
  const page = shared.admin;
  const compare = page.getByRole('button', { name: 'Compare' });
  await compare.click();
  assertEqual(await compare.getAttribute('aria-pressed'), 'true', 'compare pressed');
  const before = page.getByTestId('compare-before');
  await before.waitFor();
  await eventually(() => before.evaluate((img) => img.complete && img.naturalWidth > 0), {
    message: 'the parent image to load',
  });
  const slider = page.getByLabel('Before/after position');
  await slider.focus();
  for (let i = 0; i < 2; i++) await page.keyboard.press('PageDown');
  await shot(state, page, 'compare');
  await compare.click();
  await before.waitFor({ state: 'detached' });
});

test('download the current image as a PNG with a meaningful name', async (state) => {
  const page = shared.admin;
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download PNG' }).click(),
  ]);
  const name = download.suggestedFilename();
  assert(/^likeness-ada-lovelace-v3-edit-\d{8}-\d{4}\.png$/.test(name), `file name "${name}"`);
  const bytes = readFileSync(await download.path());
  assert(bytes.subarray(0, 8).equals(PNG_SIGNATURE), 'the download is a PNG');
  const { image_url } = await status(page, state.baseUrl);
  const expected = Buffer.from(await (await page.request.get(`${state.baseUrl}${image_url}`)).body());
  assert(bytes.equals(expected), 'the download is the current image (its URL, no base64)');
  console.log(`     downloaded ${name} (${bytes.length} bytes)`);
});

test('"undo" typed works, and focus stays usable after an edit and after choosing a version', async (state) => {
  const page = shared.admin;
  const versions = await page.locator('.history-item').count();
  await editInput(page).fill('undo');
  await editInput(page).press('Enter');
  await eventually(async () => (await currentSrcHash(page)) === shared.edit1Hash, { message: '"undo" typed undoes' });
  await waitIdle(page);
  await editInput(page).fill('redo');
  await editInput(page).press('Enter');
  await eventually(async () => (await currentSrcHash(page)) === shared.edit2Hash, { message: '"redo" typed redoes' });
  await waitIdle(page);
  assertEqual(await page.locator('.history-item').count(), versions, 'no version drawn for the words');

  // Ctrl+Z right after an edit: focus is back in the (empty) edit box, and the shortcut works there.
  await applyEdit(page, 'sepia');
  await eventually(() => editInput(page).evaluate((input) => input === document.activeElement), { message: 'focus in the edit box' });
  await page.keyboard.press('Control+z');
  await eventually(async () => (await currentSrcHash(page)) === shared.edit2Hash, { message: 'Ctrl+Z right after an edit' });
  await waitIdle(page);

  // Choosing a version keeps focus on it (not <body>), so the keyboard goes on working.
  await page.getByRole('button', { name: /^Version 1, generated/ }).click();
  await eventually(async () => (await currentSrcHash(page)) === shared.generatedHash, { message: 'version 1 chosen' });
  await waitIdle(page);
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName);
  assert(/^Version 1, generated/.test(focused), `focus stays on the chosen version (it is on ${focused})`);
  await page.keyboard.press('Control+Shift+z');
  await eventually(async () => (await currentSrcHash(page)) !== shared.generatedHash, { message: 'Ctrl+Shift+Z after choosing' });
  await waitIdle(page);
  await shot(state, page, 'focus-after-version');
});

test('leave and return keeps the session identity; another identity says Generate New starts anew', async (state) => {
  const page = shared.admin;
  const session = await status(page, state.baseUrl);
  // A newer identity without references comes first in the picker's list.
  const created = await page.request.post(`${state.baseUrl}/api/v1/admin/identities/`, { data: { name: 'Bob Newcomer' } });
  assertEqual(created.status(), 201, 'a second identity');
  const bob = await created.json();
  for (let i = 0; i < 3; i++) {
    await page.getByRole('link', { name: 'Identities' }).click();
    await page.getByRole('heading', { name: 'Identities', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Images' }).click();
    await currentImage(page).waitFor();
    assertEqual(await page.getByLabel('Identity').inputValue(), session.session_identity_id, `the session's identity after return ${i + 1}`);
  }
  await page.reload();
  await currentImage(page).waitFor();
  assertEqual(await page.getByLabel('Identity').inputValue(), session.session_identity_id, "the session's identity after a reload");

  await page.getByLabel('Identity').selectOption(bob.id);
  await page.getByText('Current session is for a different identity. Generate a new image to start editing.').waitFor();
  assert(await page.getByRole('button', { name: 'Generate', exact: true }).isDisabled(), 'Generate disabled without references');
  assert(await page.getByRole('button', { name: 'Generate New' }).isDisabled(), 'Generate New disabled without references');
  await shot(state, page, 'other-identity-picked');
  await page.getByRole('button', { name: `Keep editing ${IDENTITY}` }).click();
  assertEqual(await page.getByLabel('Identity').inputValue(), session.session_identity_id, 'back to the session identity');
  const deleted = await page.request.delete(`${state.baseUrl}/api/v1/admin/identities/${bob.id}/`);
  assertEqual(deleted.status(), 204, 'the extra identity deleted');
  await page.reload();
  await currentImage(page).waitFor();
});

test('changed references show a notice offering Generate New', async (state) => {
  const page = shared.admin;
  const session = await status(page, state.baseUrl);
  const upload = await page.request.post(
    `${state.baseUrl}/api/v1/admin/identities/${session.session_identity_id}/reference-images/`,
    { multipart: { files: { name: 'ada-4.png', mimeType: 'image/png', buffer: portraitPng(300) } } },
  );
  assertEqual(upload.status(), 201, 'upload of a fourth reference');
  await page.reload();
  const notice = page.getByRole('region', { name: 'Reference images changed' });
  await notice.waitFor({ timeout: 30_000 });
  await shot(state, page, 'references-changed');
  shared.beforeNewSession = session.session_id;
  await notice.getByRole('button', { name: 'Generate New' }).click();
  await page.getByRole('alertdialog', { name: 'Start a new session?' }).getByRole('button', { name: 'Start new session' }).click();
  await notice.waitFor({ state: 'detached', timeout: 120_000 });
  await waitIdle(page);
  const after = await status(page, state.baseUrl);
  assert(after.session_id !== session.session_id, 'a new session started');
});

test('Generate New replaces the session', async (state) => {
  const page = shared.admin;
  await applyEdit(page, 'rotate 90');
  const before = await status(page, state.baseUrl);
  await page.getByLabel('Additional prompt').fill('in a garden');
  await page.getByLabel('Aspect ratio').selectOption('1:1');
  // Generate New asks first (issue 11, finding 3); Cancel keeps the session.
  await page.getByRole('button', { name: 'Generate New' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Start a new session?' });
  await dialog.waitFor();
  await shot(state, page, 'generate-new-asks');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assertEqual((await status(page, state.baseUrl)).session_id, before.session_id, 'Cancel keeps the session');
  await page.getByRole('button', { name: 'Generate New' }).click();
  await dialog.getByRole('button', { name: 'Start new session' }).click();
  await eventually(async () => (await status(page, state.baseUrl)).session_id !== before.session_id, {
    timeout: 120_000,
    message: 'a new session',
  });
  await waitIdle(page);
  await eventually(async () => (await page.locator('.history-item').count()) === 1, { message: 'history of one' });
  assert(await page.getByRole('button', { name: /Undo/ }).isDisabled(), 'nothing to undo in a new session');
  const after = await status(page, state.baseUrl);
  assertEqual(after.aspect_ratio, '1:1', 'the new session uses the new settings');
  await shot(state, page, 'generate-new');
  shared.adminSessionHash = await currentSrcHash(page);
});

/** Clicks Generate New, and the confirmation if the page asks for one. */
async function generateNew(page) {
  await page.getByRole('button', { name: 'Generate New' }).first().click();
  const dialog = page.locator('[role="dialog"], [role="alertdialog"], dialog[open]').first();
  try {
    await dialog.waitFor({ timeout: 2_000 });
  } catch {
    return; // no confirmation on this page
  }
  await dialog.getByRole('button', { name: /generate new|start|replace|yes|continue/i }).first().click();
}

test('Generate New keeps the old session in the library; it can be viewed, downloaded and reopened', async (state) => {
  const page = shared.admin;
  await applyEdit(page, 'invert');
  const replaced = await status(page, state.baseUrl);
  await generateNew(page);
  await eventually(async () => (await status(page, state.baseUrl)).session_id !== replaced.session_id, {
    timeout: 120_000,
    message: 'a new session',
  });
  await waitIdle(page);
  const replacing = await status(page, state.baseUrl);

  await page.getByRole('link', { name: 'Library' }).click();
  await page.getByRole('heading', { name: 'Library', level: 1 }).waitFor();
  const cards = page.getByRole('list', { name: 'Past sessions' }).getByRole('listitem');
  const card = cards.first();
  await card.getByRole('heading', { name: IDENTITY }).waitFor();
  const thumbnail = await card.locator('img').getAttribute('src');
  assert(thumbnail.includes(`/library/${replaced.session_id}/`), `the newest card is the replaced session (${thumbnail})`);
  await eventually(() => card.locator('img').evaluate((img) => img.complete && img.naturalWidth > 0), { message: 'the card thumbnail loads' });
  await shot(state, page, 'library');

  await card.getByRole('button', { name: 'Open', exact: true }).click();
  const versions = page.getByRole('list', { name: 'Versions' }).getByRole('button');
  await versions.first().waitFor();
  assert((await versions.count()) >= 2, 'the replaced session has its versions');
  await eventually(() => page.getByTestId('library-image').evaluate((img) => img.complete && img.naturalWidth > 0), {
    message: 'the version image loads',
  });
  await versions.first().click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download version 1' }).click()]);
  assert(/^likeness-ada-lovelace-v1-generate-\d{8}-\d{4}\.png$/.test(download.suggestedFilename()), download.suggestedFilename());
  const bytes = readFileSync(await download.path());
  assert(bytes.subarray(0, 8).equals(PNG_SIGNATURE), 'the download is a PNG');
  await page.getByLabel('Compare with').selectOption({ index: 1 });
  await page.getByTestId('compare').waitFor();
  await shot(state, page, 'library-session-compare');

  await page.getByRole('button', { name: 'Reopen…' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Reopen this session?' });
  await confirm.getByText('Your current session, if you have one, goes to the library.').waitFor();
  await shot(state, page, 'library-reopen-confirm');
  await confirm.getByRole('button', { name: 'Reopen session' }).click();
  await page.getByRole('heading', { name: 'Images', level: 1 }).waitFor();
  await eventually(async () => (await currentVersionId(page)) === replaced.version_id, { message: 'the reopened session on Images' });
  assertEqual((await status(page, state.baseUrl)).session_id, replaced.session_id, 'the old session is active again');
  await applyEdit(page, 'sepia'); // and it edits on
  const library = await (await page.request.get(`${state.baseUrl}/api/v1/identities/image-session/library/`)).json();
  assertEqual(library[0].id, replacing.session_id, 'the replacing session went to the library');

  // The library fits a phone.
  const phone = await newContext(state, {
    viewport: { width: 360, height: 780 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    storageState: await page.context().storageState(),
  });
  const small = await phone.newPage();
  state.page = small;
  await small.goto(`${state.baseUrl}/library`);
  await small.getByRole('list', { name: 'Past sessions' }).getByRole('listitem').first().locator('img').waitFor();
  const overflow = async () => small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert((await overflow()) <= 0, `no horizontal scrolling on the library (overflow ${await overflow()}px)`);
  await shot(state, small, 'phone-library');
  await small.getByRole('list', { name: 'Past sessions' }).getByRole('button', { name: 'Open', exact: true }).first().click();
  await small.getByRole('list', { name: 'Versions' }).getByRole('button').first().waitFor();
  assert((await overflow()) <= 0, `no horizontal scrolling on a library session (overflow ${await overflow()}px)`);
  await shot(state, small, 'phone-library-session');
  await phone.close();
  state.page = page;

  // Start from your own photo: it becomes version 1 of a new session, and edits go on from it.
  const reopenedId = replaced.session_id;
  await page.getByText('Start from your photo').click();
  await page.getByLabel('Photo', { exact: true }).setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: portraitPng(200, 240) });
  await page.getByRole('button', { name: 'Start from this photo' }).click();
  await eventually(async () => (await status(page, state.baseUrl)).provider === 'upload', { timeout: 60_000, message: 'a session from the photo' });
  const fromPhoto = await status(page, state.baseUrl);
  assertEqual([fromPhoto.width, fromPhoto.height].join('×'), '240×240', 'the photo as it was sent');
  await eventually(async () => (await currentVersionId(page)) === fromPhoto.version_id, { message: 'the photo on screen' });
  await shot(state, page, 'started-from-photo');
  await applyEdit(page, 'invert');
  const photoHistory = await (await page.request.get(`${state.baseUrl}/api/v1/identities/image-session/history/`)).json();
  assertEqual(photoHistory.versions.map((v) => v.kind).join(','), 'upload,edit', 'the photo is version 1, the edit version 2');
  const afterPhoto = await (await page.request.get(`${state.baseUrl}/api/v1/identities/image-session/library/`)).json();
  assertEqual(afterPhoto[0].id, reopenedId, 'the session the photo replaced is in the library');
  shared.adminSessionHash = await currentSrcHash(page);
});

test('a non-admin sees only their own session', async (state) => {
  const admin = shared.admin;
  const email = 'bob@example.com';
  const password = 'Bob-Passw0rd!';
  // The admin creates Bob on the Users page (POST /api/v1/admin/users/).
  await admin.getByRole('link', { name: 'Users' }).click();
  await admin.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  await admin.getByLabel('Email').fill(email);
  await admin.getByLabel('Password').fill(password);
  await admin.getByRole('button', { name: 'Create user' }).click();
  await admin.locator('.user-list').getByText(email).waitFor();
  // A second time is refused, with the server's message.
  await admin.getByLabel('Email').fill(email);
  await admin.getByLabel('Password').fill(password);
  await admin.getByRole('button', { name: 'Create user' }).click();
  await toast(admin, 'already exists').waitFor();
  await shot(state, admin, 'users-page');
  const bob = (await (await admin.request.get(`${state.baseUrl}/api/v1/admin/users/`)).json()).find((u) => u.email === email);
  assert(bob && !bob.is_admin, 'Bob is a non-admin user');
  await admin.getByRole('link', { name: 'Images' }).click();

  const context = await newContext(state, { viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  state.page = page;
  shared.bob = page;
  await signIn(page, state.baseUrl, email, password);
  await page.getByText('No active session').waitFor();
  assertEqual(await page.getByLabel('User').count(), 0, 'no user picker for a non-admin');
  assertEqual(await page.getByRole('link', { name: 'Identities' }).count(), 0, 'no Identities page for a non-admin');
  const forbidden = await page.request.get(`${state.baseUrl}/api/v1/admin/users/${bob.id}/image-session/`);
  assertEqual(forbidden.status(), 403, 'admin endpoints are closed to a non-admin');
  await shot(state, page, 'non-admin-no-session');

  await page.getByLabel('Identity').selectOption({ label: `${IDENTITY} (4)` });
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await currentImage(page).waitFor({ timeout: 120_000 });
  await waitIdle(page);
  await applyEdit(page, 'sepia');
  await shot(state, page, 'non-admin-session');
  const bobVersion = await currentVersionId(page);
  assert(bobVersion, 'the image is a version URL');

  // The admin's own session is untouched, and the admin can open Bob's.
  await admin.reload();
  await currentImage(admin).waitFor();
  assertEqual(await currentSrcHash(admin), shared.adminSessionHash, "the admin's session is unchanged");
  await admin.getByLabel('User').selectOption({ label: email });
  await eventually(async () => (await currentVersionId(admin)) === bobVersion, { message: "Bob's session for the admin" });
  assert((await currentImage(admin).getAttribute('src')).startsWith(`/api/v1/admin/users/${bob.id}/image-session/`), 'seen through the admin prefix');
  await shot(state, admin, 'admin-views-non-admin');
  await admin.getByLabel('User').selectOption({ label: `${state.adminEmail} (me)` });
  await context.close();
  state.page = admin;
});

test('a region edit: paint a rectangle, black and white inside, the outside keeps its colours', async (state) => {
  const page = shared.admin;
  await waitIdle(page);
  const before = await status(page, state.baseUrl);
  await page.getByRole('button', { name: /Paint a mask/ }).click();
  await page.getByRole('button', { name: 'Rectangle' }).click();
  const canvas = page.getByTestId('mask-canvas');
  const box = await canvas.boundingBox();
  assert(box && box.width > 100, 'the mask canvas is over the image');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.55, { steps: 5 });
  await page.mouse.up();
  await page.getByLabel('Edit the painted area:').waitFor();
  await shot(state, page, 'region-painted');
  await page.getByLabel('Edit the painted area:').fill('make it black and white');
  await page.getByRole('button', { name: 'Apply Edit' }).click();
  await eventually(async () => (await status(page, state.baseUrl)).version_id !== before.version_id, {
    timeout: 120_000,
    message: 'the region edit to make a version',
  });
  await waitIdle(page);
  await editInput(page).waitFor(); // the label is back: the mask is done with
  await page.getByRole('button', { name: /a painted area only \(current\)/ }).waitFor();
  await shot(state, page, 'region-edited');

  // Read both images' pixels in the page: grey inside the rectangle, the previous image's own colours outside.
  const after = await status(page, state.baseUrl);
  const pixels = await page.evaluate(async (urls) => {
    const read = async (url) => {
      const image = new Image();
      image.src = url;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      const at = (fx, fy) => Array.from(context.getImageData(Math.round(fx * canvas.width), Math.round(fy * canvas.height), 1, 1).data);
      const inside = [];
      for (let fy = 0.35; fy <= 0.5; fy += 0.05) for (let fx = 0.35; fx <= 0.5; fx += 0.05) inside.push(at(fx, fy));
      const outside = [at(0.05, 0.05), at(0.9, 0.1), at(0.1, 0.9), at(0.9, 0.9), at(0.75, 0.45)];
      return { inside, outside };
    };
    return { before: await read(urls[0]), after: await read(urls[1]) };
  }, [before.image_url, after.image_url]);
  for (const [r, g, b] of pixels.after.inside) assert(r === g && g === b, `grey inside the region, not ${r},${g},${b}`);
  assertEqual(JSON.stringify(pixels.after.outside), JSON.stringify(pixels.before.outside), 'the outside is unchanged, pixel for pixel');
  assert(pixels.before.outside.some(([r, g, b]) => r !== g || g !== b), 'the image had colour outside the region to keep');
});

test('phone (360 px) and wide (1920 px) layouts, and sign out', async (state) => {
  const context = await newContext(state, {
    viewport: { width: 360, height: 780 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    storageState: await shared.admin.context().storageState(),
  });
  const page = await context.newPage();
  state.page = page;
  await page.goto(`${state.baseUrl}/images`);
  await currentImage(page).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
  await page.locator('.history-item').first().waitFor();
  assertEqual(await page.evaluate(() => window.scrollY), 0, 'the page does not jump on load');
  await shot(state, page, 'phone-top');
  await page.getByLabel('Edit this image:').scrollIntoViewIfNeeded();
  await shot(state, page, 'phone-edit');
  // Issue 11, finding 13: a new image made from the form (below the image on a phone) is scrolled to.
  await page.getByLabel('Aspect ratio').selectOption('16:9');
  const previous = await currentSrcHash(page);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Start new session' }).click();
  await eventually(async () => (await currentSrcHash(page)) !== previous, { timeout: 120_000, message: 'a new 16:9 image' });
  await waitIdle(page);
  await eventually(
    () => page.locator('.session').evaluate((card) => card.getBoundingClientRect().top >= -1 && card.getBoundingClientRect().top < window.innerHeight / 2),
    { message: 'the new image scrolled into view' },
  );
  await shot(state, page, 'phone-generated');
  // Issue 11, finding 2: rotates turn the image portrait and back, and the history grows past the screen's
  // width (96 px a version); the page must stay within the screen all along.
  for (const turn of ['rotate 90', 'sepia', 'rotate 90', 'invert', 'rotate 90']) {
    await applyEdit(page, turn);
    await currentImage(page).evaluate((img) => img.decode().catch(() => undefined));
    const after = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    assert(after.scroll <= after.inner, `no horizontal scrolling after "${turn}" (scrollWidth ${after.scroll} > ${after.inner})`);
    await shot(state, page, 'phone-rotated');
  }
  await page.goto(`${state.baseUrl}/identities`);
  await page.getByRole('img', { name: 'Reference image 1' }).waitFor();
  const identitiesOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(identitiesOverflow <= 0, `no horizontal scrolling on the Identities page (overflow ${identitiesOverflow}px)`);
  await shot(state, page, 'phone-identities');
  await context.close();

  const wide = await newContext(state, {
    viewport: { width: 1920, height: 1080 },
    storageState: await shared.admin.context().storageState(),
  });
  const widePage = await wide.newPage();
  state.page = widePage;
  await widePage.goto(`${state.baseUrl}/images`);
  await currentImage(widePage).waitFor();
  await widePage.locator('.history-item img').first().waitFor();
  await shot(state, widePage, 'wide');
  await wide.close();

  state.page = shared.admin;
  await shared.admin.getByRole('button', { name: 'Sign out' }).click();
  await shared.admin.getByRole('heading', { name: 'Sign in' }).waitFor();
  const me = await shared.admin.request.get(`${state.baseUrl}/api/v1/auth/me`);
  assertEqual(me.status(), 401, 'signed out on the server');
});
