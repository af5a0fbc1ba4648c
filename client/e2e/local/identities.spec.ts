// Issue 3: an admin makes an identity and gives it reference images on the Identities page.
import { expect, expectLoaded, shot, test, unique } from '../fixtures';
import { portraitPng } from '../png';

test('create an identity and upload reference images', async ({ page }) => {
  const name = unique('Ada Lovelace');
  await page.goto('/images');
  await page.getByRole('link', { name: 'Identities' }).click();
  await expect(page.getByRole('heading', { name: 'Identities', level: 1 })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).first().fill(name);
  await page.getByLabel('Description').first().fill('Mathematician, first programmer');
  await page.getByRole('button', { name: 'Create identity' }).click();
  await expect(page.getByRole('heading', { name, level: 2 })).toBeVisible();
  await shot(page, 'identity-created');

  await page.getByLabel(/Add reference images/).setInputFiles([
    { name: 'ada-1.png', mimeType: 'image/png', buffer: portraitPng(210) },
    { name: 'ada-2.png', mimeType: 'image/png', buffer: portraitPng(30) },
    { name: 'ada-3.png', mimeType: 'image/png', buffer: portraitPng(120) },
  ]);
  await expect(page.getByRole('img', { name: 'Reference image 3' })).toBeVisible();
  await expectLoaded(page.getByRole('img', { name: 'Reference image 1' }), 'the reference thumbnail to load');
  await shot(page, 'reference-images-uploaded');

  // A file the server refuses: its validation message arrives as a toast.
  await page.getByLabel(/Add reference images/).setInputFiles([
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') },
  ]);
  const refusal = page.locator('[data-sonner-toast][data-type="error"]').first();
  await expect(refusal).toBeVisible();
  const message = (await refusal.innerText()).trim();
  expect(message.length, 'the refusal toast has the server message').toBeGreaterThan(0);
  test.info().annotations.push({ type: 'refused upload', description: message });
  await shot(page, 'reference-upload-refused');
  await expect(page.getByText('3 / 14')).toBeVisible();

  // Rename round trip.
  const nameField = page.locator('#identity-name');
  await nameField.fill(`${name} (draft)`);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { name: `${name} (draft)`, level: 2 })).toBeVisible();
  await nameField.fill(name);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { name, level: 2 })).toBeVisible();
});
