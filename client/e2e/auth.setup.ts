// The setup projects: sign the bootstrap admin in through the form, once per server, and keep the cookie
// (test-results/.auth/<server>.json). Tests use it only to create their own fresh users.
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './constants';
import { expect, signIn, test } from './fixtures';

test.use({ storageState: { cookies: [], origins: [] } });

test('sign the bootstrap admin in', async ({ page, adminState }) => {
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Images', level: 1 })).toBeVisible();
  await expect(page.locator('.whoami-email', { hasText: ADMIN_EMAIL })).toBeVisible();
  await page.context().storageState({ path: adminState });
});
