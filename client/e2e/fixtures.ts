// What every flow shares: a fresh user per test (made through the bootstrap admin's API, signed in by its
// cookie), a fresh identity with reference images when asked for, and the page helpers the flows use.
// Nothing is shared between tests: each makes the users, identities and sessions it looks at.
import { createHash, randomBytes } from 'node:crypto';
import { test as base, expect, type APIRequestContext, type Locator, type Page, type PlaywrightWorkerArgs } from '@playwright/test';
import { portraitPng } from './png';

export { expect };

export type E2eOptions = {
  /** The bootstrap admin's storage state for this project's server (written by auth.setup.ts). */
  adminState: string;
};

export type Account = { id: string; email: string; password: string; isAdmin: boolean };
export type Identity = { id: string; name: string; references: number };

type Fixtures = {
  /** The bootstrap admin's API: it creates the test's users. */
  admin: APIRequestContext;
  /** A fresh admin user of this test; the page is signed in as them (see `storageState`). */
  account: Account;
  /** A fresh identity with three reference images (identities are everyone's; the bootstrap admin makes it). */
  identity: Identity;
};

export const test = base.extend<Fixtures, E2eOptions>({
  adminState: ['', { option: true, scope: 'worker' }],

  admin: async ({ playwright, baseURL, adminState }, use) => {
    const admin = await playwright.request.newContext({ baseURL, storageState: adminState });
    await use(admin);
    await admin.dispose();
  },

  account: async ({ admin }, use) => {
    await use(await createUser(admin, { isAdmin: true }));
  },

  // Signed in through the API (the sign-in form has its own flows): the page starts with the account's cookie.
  storageState: async ({ playwright, baseURL, account }, use) => {
    const api = await signedInRequest(playwright, baseURL!, account);
    const state = await api.storageState();
    await api.dispose();
    await use(state);
  },

  identity: async ({ admin }, use) => {
    await use(await createIdentity(admin, unique('Ada Lovelace'), [210, 30, 120], 'Mathematician, first programmer'));
  },
});

/** An API context signed in as `account` (its cookie, as the browser would have it). */
export async function signedInRequest(playwright: PlaywrightWorkerArgs['playwright'], baseURL: string, account: Account) {
  const api = await playwright.request.newContext({ baseURL });
  const answer = await api.post('/api/v1/auth/login?use_cookies=true', { data: { email: account.email, password: account.password } });
  expect(answer.status(), `sign-in of ${account.email}`).toBe(200);
  return api;
}

/** `name` with a short random tag, so parallel tests never pick each other's things. */
export function unique(name: string): string {
  return `${name} ${randomBytes(3).toString('hex')}`;
}

export async function createUser(admin: APIRequestContext, { isAdmin = true, email }: { isAdmin?: boolean; email?: string } = {}): Promise<Account> {
  const tag = randomBytes(4).toString('hex');
  const account = { email: email ?? `user-${tag}@example.com`, password: `E2e-${tag}-Passw0rd!`, isAdmin };
  const answer = await admin.post('/api/v1/admin/users/', { data: { email: account.email, password: account.password, is_admin: isAdmin } });
  expect(answer.status(), `creating ${account.email}: ${await answer.text()}`).toBe(201);
  return { ...account, id: (await answer.json()).id };
}

/** An identity with one reference image per hue (POST /api/v1/admin/identities/ and its reference-images/). */
export async function createIdentity(request: APIRequestContext, name: string, hues: number[], description?: string): Promise<Identity> {
  const created = await request.post('/api/v1/admin/identities/', { data: { name, description } });
  expect(created.status(), 'identity created').toBe(201);
  const { id } = await created.json();
  for (const [i, hue] of hues.entries()) {
    const upload = await request.post(`/api/v1/admin/identities/${id}/reference-images/`, {
      multipart: { files: { name: `ref-${i + 1}.png`, mimeType: 'image/png', buffer: portraitPng(hue) } },
    });
    expect(upload.status(), 'reference uploaded').toBe(201);
  }
  return { id, name, references: hues.length };
}

/** The random tag `unique()` put at the end of a name ("Ada Lovelace 3fa2c1" → "3fa2c1"). */
export function tagOf(name: string): string {
  return name.slice(name.lastIndexOf(' ') + 1);
}

export const sha = (text: string | null) => createHash('sha256').update(text ?? '').digest('hex').slice(0, 16);

export const currentImage = (page: Page) => page.getByTestId('current-image');
export const currentSrcHash = async (page: Page) => sha(await currentImage(page).getAttribute('src'));
/** The version on screen: its URL differs by whose prefix it is seen through, its id does not. */
export const currentVersionId = async (page: Page) =>
  /\/versions\/([^/]+)\/image\/?$/.exec((await currentImage(page).getAttribute('src')) ?? '')?.[1];
export const editInput = (page: Page) => page.getByLabel('Edit this image:');
export const toast = (page: Page, text: string) => page.locator('[data-sonner-toast]', { hasText: text });
export const panel = (page: Page) => page.getByTestId('job-panel');
/** An <img> that has finished loading a real image. */
export const loaded = (image: Locator) => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
export const expectLoaded = (image: Locator, message: string) => expect.poll(() => loaded(image), { message }).toBe(true);
/** How far the page is wider than the screen (0 or less: no sideways scrolling). */
export const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** The signed-in user's session status (GET /api/v1/identities/image-session/). */
export async function status(page: Page) {
  return (await page.request.get('/api/v1/identities/image-session/')).json();
}

/** No job's progress panel and no version-switch overlay: nothing is running. */
export async function waitIdle(page: Page) {
  await expect(panel(page)).toHaveCount(0, { timeout: 120_000 });
  await expect(page.locator('.stage-overlay')).toHaveCount(0, { timeout: 120_000 });
}

/** A picture of the step in the HTML report. */
export async function shot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  await test.info().attach(name, { body: await page.screenshot(options), contentType: 'image/png' });
}

export async function signIn(page: Page, email: string, password: string, path = '/images') {
  await page.goto(path);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Types an instruction, applies it, and waits until the new image is on screen and nothing runs. */
export async function applyEdit(page: Page, instruction: string, { pressEnter = false } = {}) {
  const before = await currentSrcHash(page);
  await editInput(page).fill(instruction);
  if (pressEnter) await editInput(page).press('Enter');
  else await page.getByRole('button', { name: 'Apply Edit' }).click();
  await expect.poll(() => currentSrcHash(page), { timeout: 120_000, message: `the image to change after "${instruction}"` }).not.toBe(before);
  await waitIdle(page);
  return before;
}

/** From the Images page with no session: generates a first image of `identity`. */
export async function generate(page: Page, identity: Identity, { aspect, prompt }: { aspect?: string; prompt?: string } = {}) {
  await page.goto('/images');
  await page.getByLabel('Identity').selectOption({ label: `${identity.name} (${identity.references})` });
  if (prompt) await page.getByLabel('Additional prompt').fill(prompt);
  if (aspect) await page.getByLabel('Aspect ratio').selectOption(aspect);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await currentImage(page).waitFor({ timeout: 120_000 });
  await waitIdle(page);
  return currentSrcHash(page);
}

/**
 * A session made through the API (the synchronous generate-image and edit-image endpoints), for the flows
 * whose subject comes after it; then the Images page, with the last version on screen. Returns the
 * version ids, oldest first.
 */
export async function seedSession(page: Page, identity: Identity, { aspect, edits = [] }: { aspect?: string; edits?: string[] } = {}) {
  const versions: string[] = [];
  const generated = await page.request.post('/api/v1/identities/generate-image/', {
    // 1K as the form's default (the API's default is the model's largest size, far slower to make and to show).
    data: { identity_id: identity.id, aspect_ratio: aspect, resolution: '1K', additional_prompt: 'portrait in a Victorian study' },
    timeout: 180_000,
  });
  expect(generated.status(), `generate-image: ${generated.status() >= 300 ? await generated.text() : ''}`).toBeLessThan(300);
  versions.push((await status(page)).version_id);
  for (const edit of edits) {
    const edited = await page.request.post('/api/v1/identities/edit-image/', { data: { edit_prompt: edit }, timeout: 180_000 });
    expect(edited.status(), `edit-image "${edit}": ${edited.status() >= 300 ? await edited.text() : ''}`).toBeLessThan(300);
    versions.push((await status(page)).version_id);
  }
  await page.goto('/images');
  await expect.poll(() => currentVersionId(page), { message: 'the seeded session on screen' }).toBe(versions.at(-1));
  await waitIdle(page);
  return versions;
}

/** A session of three versions: a generated 16:9 image, then "rotate 90", then "make it black and white". */
export async function sessionOfThree(page: Page, identity: Identity) {
  const [generated, edit1, edit2] = await seedSession(page, identity, { aspect: '16:9', edits: ['rotate 90', 'make it black and white'] });
  await expect(page.getByRole('button', { name: /Version 3, edit: make it black and white \(current\)/ })).toBeVisible();
  return { generated, edit1, edit2 };
}
