// Sessions across pages, identities and users: leave and return, changed references, Generate New, the
// library (view, download, compare, reopen), starting from one's own photo, a non-admin's own session.
import { readFileSync } from 'node:fs';
import {
  applyEdit,
  currentImage,
  currentSrcHash,
  currentVersionId,
  expect,
  expectLoaded,
  seedSession,
  shot,
  signIn,
  status,
  tagOf,
  test,
  toast,
  unique,
  waitIdle,
} from '../fixtures';
import { PNG_SIGNATURE, portraitPng } from '../png';

test('leave and return keeps the session identity; another identity says Generate New starts anew', async ({ page, identity }) => {
  await seedSession(page, identity);
  const session = await status(page);
  // A newer identity without references comes first in the picker's list.
  const created = await page.request.post('/api/v1/admin/identities/', { data: { name: unique('Bob Newcomer') } });
  expect(created.status(), 'a second identity').toBe(201);
  const bob = await created.json();
  for (let i = 0; i < 3; i++) {
    await page.getByRole('link', { name: 'Identities' }).click();
    await expect(page.getByRole('heading', { name: 'Identities', level: 1 })).toBeVisible();
    await page.getByRole('link', { name: 'Images' }).click();
    await currentImage(page).waitFor();
    await expect(page.getByLabel('Identity'), `the session's identity after return ${i + 1}`).toHaveValue(session.session_identity_id);
  }
  await page.reload();
  await currentImage(page).waitFor();
  await expect(page.getByLabel('Identity'), "the session's identity after a reload").toHaveValue(session.session_identity_id);

  await page.getByLabel('Identity').selectOption(bob.id);
  await expect(page.getByText('Current session is for a different identity. Generate a new image to start editing.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Generate', exact: true }), 'Generate disabled without references').toBeDisabled();
  await expect(page.getByRole('button', { name: 'Generate New' }), 'Generate New disabled without references').toBeDisabled();
  await shot(page, 'other-identity-picked');
  await page.getByRole('button', { name: `Keep editing ${identity.name}` }).click();
  await expect(page.getByLabel('Identity'), 'back to the session identity').toHaveValue(session.session_identity_id);
  expect((await page.request.delete(`/api/v1/admin/identities/${bob.id}/`)).status(), 'the extra identity deleted').toBe(204);
  await page.reload();
  await currentImage(page).waitFor();
});

test('changed references show a notice offering Generate New', async ({ page, identity }) => {
  await seedSession(page, identity);
  const session = await status(page);
  const upload = await page.request.post(`/api/v1/admin/identities/${session.session_identity_id}/reference-images/`, {
    multipart: { files: { name: 'ada-4.png', mimeType: 'image/png', buffer: portraitPng(300) } },
  });
  expect(upload.status(), 'upload of a fourth reference').toBe(201);
  await page.reload();
  const notice = page.getByRole('region', { name: 'Reference images changed' });
  await expect(notice).toBeVisible({ timeout: 30_000 });
  await shot(page, 'references-changed');
  await notice.getByRole('button', { name: 'Generate New' }).click();
  await page.getByRole('alertdialog', { name: 'Start a new session?' }).getByRole('button', { name: 'Start new session' }).click();
  await expect(notice).toHaveCount(0, { timeout: 120_000 });
  await waitIdle(page);
  expect((await status(page)).session_id, 'a new session started').not.toBe(session.session_id);
});

test('Generate New replaces the session', async ({ page, identity }) => {
  await seedSession(page, identity, { aspect: '16:9', edits: ['rotate 90'] });
  const before = await status(page);
  await page.getByLabel('Additional prompt').fill('in a garden');
  await page.getByLabel('Aspect ratio').selectOption('1:1');
  // Generate New asks first (issue 11, finding 3); Cancel keeps the session.
  await page.getByRole('button', { name: 'Generate New' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Start a new session?' });
  await expect(dialog).toBeVisible();
  await shot(page, 'generate-new-asks');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  expect((await status(page)).session_id, 'Cancel keeps the session').toBe(before.session_id);
  await page.getByRole('button', { name: 'Generate New' }).click();
  await dialog.getByRole('button', { name: 'Start new session' }).click();
  await expect.poll(async () => (await status(page)).session_id, { timeout: 120_000, message: 'a new session' }).not.toBe(before.session_id);
  await waitIdle(page);
  await expect(page.locator('.history-item'), 'history of one').toHaveCount(1);
  await expect(page.getByRole('button', { name: /Undo/ }), 'nothing to undo in a new session').toBeDisabled();
  expect((await status(page)).aspect_ratio, 'the new session uses the new settings').toBe('1:1');
  await shot(page, 'generate-new');
});

test('Generate New keeps the old session in the library; it can be viewed, downloaded and reopened', async ({ page, identity }) => {
  await seedSession(page, identity, { edits: ['invert'] });
  const replaced = await status(page);
  await page.getByRole('button', { name: 'Generate New' }).click();
  await page.getByRole('alertdialog', { name: 'Start a new session?' }).getByRole('button', { name: 'Start new session' }).click();
  await expect.poll(async () => (await status(page)).session_id, { timeout: 120_000, message: 'a new session' }).not.toBe(replaced.session_id);
  await waitIdle(page);
  const replacing = await status(page);

  await page.getByRole('link', { name: 'Library' }).click();
  await expect(page.getByRole('heading', { name: 'Library', level: 1 })).toBeVisible();
  const card = page.getByRole('list', { name: 'Past sessions' }).getByRole('listitem').first();
  await expect(card.getByRole('heading', { name: identity.name })).toBeVisible();
  expect(await card.locator('img').getAttribute('src'), 'the newest card is the replaced session').toContain(`/library/${replaced.session_id}/`);
  await expectLoaded(card.locator('img'), 'the card thumbnail loads');
  await shot(page, 'library');

  await card.getByRole('button', { name: 'Open', exact: true }).click();
  const versions = page.getByRole('list', { name: 'Versions' }).getByRole('button');
  await expect(versions.first()).toBeVisible();
  expect(await versions.count(), 'the replaced session has its versions').toBeGreaterThanOrEqual(2);
  await expectLoaded(page.getByTestId('library-image'), 'the version image loads');
  await versions.first().click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download version 1' }).click()]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^likeness-ada-lovelace-${tagOf(identity.name)}-v1-generate-\\d{8}-\\d{4}\\.png$`));
  expect(readFileSync(await download.path()).subarray(0, 8).equals(PNG_SIGNATURE), 'the download is a PNG').toBe(true);
  await page.getByLabel('Compare with').selectOption({ index: 1 });
  await expect(page.getByTestId('compare')).toBeVisible();
  await shot(page, 'library-session-compare');

  await page.getByRole('button', { name: 'Reopen…' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Reopen this session?' });
  await expect(confirm.getByText('Your current session, if you have one, goes to the library.')).toBeVisible();
  await shot(page, 'library-reopen-confirm');
  await confirm.getByRole('button', { name: 'Reopen session' }).click();
  await expect(page.getByRole('heading', { name: 'Images', level: 1 })).toBeVisible();
  await expect.poll(() => currentVersionId(page), { message: 'the reopened session on Images' }).toBe(replaced.version_id);
  expect((await status(page)).session_id, 'the old session is active again').toBe(replaced.session_id);
  await applyEdit(page, 'sepia'); // and it edits on
  const library = await (await page.request.get('/api/v1/identities/image-session/library/')).json();
  expect(library[0].id, 'the replacing session went to the library').toBe(replacing.session_id);
});

test('start from your own photo: it becomes version 1 of a new session, and edits go on from it', async ({ page, identity }) => {
  await seedSession(page, identity);
  const previous = await status(page);
  await page.getByText('Start from your photo').click();
  await page.getByLabel('Photo', { exact: true }).setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: portraitPng(200, 240) });
  await page.getByRole('button', { name: 'Start from this photo' }).click();
  await expect.poll(async () => (await status(page)).provider, { timeout: 60_000, message: 'a session from the photo' }).toBe('upload');
  const fromPhoto = await status(page);
  expect(`${fromPhoto.width}×${fromPhoto.height}`, 'the photo as it was sent').toBe('240×240');
  await expect.poll(() => currentVersionId(page), { message: 'the photo on screen' }).toBe(fromPhoto.version_id);
  await shot(page, 'started-from-photo');
  await applyEdit(page, 'invert');
  const history = await (await page.request.get('/api/v1/identities/image-session/history/')).json();
  expect(history.versions.map((v: { kind: string }) => v.kind).join(','), 'the photo is version 1, the edit version 2').toBe('upload,edit');
  const library = await (await page.request.get('/api/v1/identities/image-session/library/')).json();
  expect(library[0].id, 'the session the photo replaced is in the library').toBe(previous.session_id);
});

test('a non-admin sees only their own session', async ({ page, account, identity, browser, baseURL }) => {
  await seedSession(page, identity, { edits: ['invert'] });
  const adminSessionHash = await currentSrcHash(page);
  const email = `bob-${account.id.slice(0, 8)}@example.com`;
  const password = 'Bob-Passw0rd!';
  // The admin creates Bob on the Users page (POST /api/v1/admin/users/).
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.locator('.user-list').getByText(email)).toBeVisible();
  // A second time is refused, with the server's message.
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(toast(page, 'already exists')).toBeVisible();
  await shot(page, 'users-page');
  const users: { id: string; email: string; is_admin: boolean }[] = await (await page.request.get('/api/v1/admin/users/')).json();
  const bob = users.find((u) => u.email === email);
  expect(bob && !bob.is_admin, 'Bob is a non-admin user').toBe(true);
  await page.getByRole('link', { name: 'Images' }).click();

  // Contexts made in a test start from the project's options: Bob's starts signed out.
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 860 }, storageState: { cookies: [], origins: [] } });
  context.setDefaultTimeout(60_000);
  const bobPage = await context.newPage();
  await signIn(bobPage, email, password);
  await expect(bobPage.getByRole('heading', { name: 'Images', level: 1 })).toBeVisible();
  await expect(bobPage.getByText('No active session')).toBeVisible();
  await expect(bobPage.getByLabel('User'), 'no user picker for a non-admin').toHaveCount(0);
  await expect(bobPage.getByRole('link', { name: 'Identities' }), 'no Identities page for a non-admin').toHaveCount(0);
  const forbidden = await bobPage.request.get(`/api/v1/admin/users/${bob!.id}/image-session/`);
  expect(forbidden.status(), 'admin endpoints are closed to a non-admin').toBe(403);
  await shot(bobPage, 'non-admin-no-session');

  await bobPage.getByLabel('Identity').selectOption({ label: `${identity.name} (3)` });
  await bobPage.getByRole('button', { name: 'Generate', exact: true }).click();
  await currentImage(bobPage).waitFor({ timeout: 120_000 });
  await waitIdle(bobPage);
  await applyEdit(bobPage, 'sepia');
  await shot(bobPage, 'non-admin-session');
  const bobVersion = await currentVersionId(bobPage);
  expect(bobVersion, 'the image is a version URL').toBeTruthy();

  // The admin's own session is untouched, and the admin can open Bob's.
  await page.reload();
  await currentImage(page).waitFor();
  expect(await currentSrcHash(page), "the admin's session is unchanged").toBe(adminSessionHash);
  await page.getByLabel('User').selectOption({ label: email });
  await expect.poll(() => currentVersionId(page), { message: "Bob's session for the admin" }).toBe(bobVersion);
  expect(await currentImage(page).getAttribute('src'), 'seen through the admin prefix').toMatch(
    new RegExp(`^/api/v1/admin/users/${bob!.id}/image-session/`),
  );
  await shot(page, 'admin-views-non-admin');
  await page.getByLabel('User').selectOption({ label: `${account.email} (me)` });
  await context.close();
});
