// Layouts: a phone (360×780, the phone project: tests tagged @phone-only run there alone) and a wide screen.
import { applyEdit, currentImage, currentSrcHash, expect, overflow, seedSession, shot, test, waitIdle } from '../fixtures';

test('phone (360 px): Images without sideways scrolling, a new image scrolled to, rotations, Identities @phone-only', async ({
  page,
  identity,
}) => {
  await seedSession(page, identity, { edits: ['sepia'] });
  await page.goto('/images');
  await currentImage(page).waitFor();
  expect(await overflow(page), 'no horizontal scrolling on a phone').toBeLessThanOrEqual(0);
  await page.locator('.history-item').first().waitFor();
  expect(await page.evaluate(() => window.scrollY), 'the page does not jump on load').toBe(0);
  await shot(page, 'phone-top');
  await page.getByLabel('Edit this image:').scrollIntoViewIfNeeded();
  await shot(page, 'phone-edit');
  // Issue 11, finding 13: a new image made from the form (below the image on a phone) is scrolled to.
  await page.getByLabel('Aspect ratio').selectOption('16:9');
  const previous = await currentSrcHash(page);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Start new session' }).click();
  await expect.poll(() => currentSrcHash(page), { timeout: 120_000, message: 'a new 16:9 image' }).not.toBe(previous);
  await waitIdle(page);
  await expect
    .poll(
      () =>
        page.locator('.session').evaluate((card) => card.getBoundingClientRect().top >= -1 && card.getBoundingClientRect().top < window.innerHeight / 2),
      { message: 'the new image scrolled into view' },
    )
    .toBe(true);
  await shot(page, 'phone-generated');
  // Issue 11, finding 2: rotates turn the image portrait and back, and the history grows past the screen's
  // width (96 px a version); the page must stay within the screen all along.
  for (const turn of ['rotate 90', 'sepia', 'rotate 90', 'invert', 'rotate 90']) {
    await applyEdit(page, turn);
    await currentImage(page).evaluate((img: HTMLImageElement) => img.decode().catch(() => undefined));
    expect(await overflow(page), `no horizontal scrolling after "${turn}"`).toBeLessThanOrEqual(0);
    await shot(page, `phone-after-${turn}`);
  }
  await page.goto(`/identities?id=${identity.id}`);
  await expect(page.getByRole('img', { name: 'Reference image 1' }).first()).toBeVisible();
  expect(await overflow(page), 'no horizontal scrolling on the Identities page').toBeLessThanOrEqual(0);
  await shot(page, 'phone-identities');
});

test('phone (360 px): the library and a library session fit the screen @phone-only', async ({ page, identity }) => {
  // A session with two versions in the library: Generate New (a generate over it) moves it there.
  await seedSession(page, identity, { edits: ['invert'] });
  await seedSession(page, identity);

  await page.goto('/library');
  const cards = page.getByRole('list', { name: 'Past sessions' });
  await cards.getByRole('listitem').first().locator('img').waitFor();
  expect(await overflow(page), 'no horizontal scrolling on the library').toBeLessThanOrEqual(0);
  await shot(page, 'phone-library');
  await cards.getByRole('button', { name: 'Open', exact: true }).first().click();
  await page.getByRole('list', { name: 'Versions' }).getByRole('button').first().waitFor();
  expect(await overflow(page), 'no horizontal scrolling on a library session').toBeLessThanOrEqual(0);
  await shot(page, 'phone-library-session');
});

test.describe('wide screen', () => {
  test.use({ viewport: { width: 1920, height: 1080 } });

  test('wide (1920 px): the Images page with its history', async ({ page, identity }) => {
    await seedSession(page, identity, { edits: ['rotate 90'] });
    await page.goto('/images');
    await currentImage(page).waitFor();
    await page.locator('.history-item img').first().waitFor();
    await shot(page, 'wide');
  });
});
