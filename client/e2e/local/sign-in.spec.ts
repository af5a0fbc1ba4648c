// Signing in and out through the form, and the core smoke flow (on the phone project too).
import { applyEdit, currentSrcHash, editInput, expect, generate, shot, signIn, test, toast, waitIdle } from '../fixtures';

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('sign in: wrong password shows the server message, right one opens the app', async ({ page, account }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await shot(page, 'sign-in');
    await signIn(page, account.email, 'not the password', '/');
    await expect(page.getByRole('alert').filter({ hasText: 'Invalid email or password.' })).toBeVisible();
    await shot(page, 'sign-in-wrong-password');
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Images', level: 1 })).toBeVisible();
    await expect(page.locator('.whoami-email', { hasText: account.email })).toBeVisible();
    await expect(page.getByText('No active session')).toBeVisible();
    await shot(page, 'images-no-session');
  });

  test('smoke: sign in, generate, edit, undo @phone', async ({ page, account, identity }) => {
    await signIn(page, account.email, account.password);
    await expect(page.getByRole('heading', { name: 'Images', level: 1 })).toBeVisible();
    const generated = await generate(page, identity);
    await expect(toast(page, 'Image generated.')).toBeVisible();
    await shot(page, 'smoke-generated');
    await applyEdit(page, 'rotate 90');
    await expect(toast(page, 'Edit applied.').first()).toBeVisible();
    await expect(editInput(page)).toHaveValue('');
    await shot(page, 'smoke-edited');
    await page.getByRole('button', { name: /Undo/ }).click();
    await expect.poll(() => currentSrcHash(page), { message: 'undo to the generated image' }).toBe(generated);
    await waitIdle(page);
    await expect(page.getByRole('button', { name: /Version 1.*\(current\)/ })).toBeVisible();
    await shot(page, 'smoke-undone');
  });
});

test('sign out: back to the form, and signed out on the server', async ({ page }) => {
  await page.goto('/images');
  await expect(page.getByRole('heading', { name: 'Images', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect((await page.request.get('/api/v1/auth/me')).status(), 'signed out on the server').toBe(401);
});
