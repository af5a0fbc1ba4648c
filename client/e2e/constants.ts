// Shared by playwright.config.ts (which starts the servers with them) and the tests.
export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'E2e-Admin-Passw0rd!';
