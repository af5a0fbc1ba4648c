import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { toast } from 'sonner';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { fakeApi, server } from './fake-api';
import { FakeEventSource } from './fake-event-source';

// Node's fetch needs absolute URLs; the app uses same-origin paths as a browser would.
const nodeFetch = globalThis.fetch;
globalThis.fetch = (input, init) =>
  nodeFetch(typeof input === 'string' ? new URL(input, window.location.href) : input, init);

// findBy*/waitFor give up after this long: a ceiling for a busy 2-core machine, not a delay.
configure({ asyncUtilTimeout: 5000 });

// jsdom has no EventSource: job events come from the fake API through a stand-in.
globalThis.EventSource = FakeEventSource as unknown as typeof EventSource;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  cleanup();
  toast.dismiss(); // sonner keeps toasts in a module: the next test's Toaster would show them again
  FakeEventSource.reset();
  server.resetHandlers();
  fakeApi.reset();
});
afterAll(() => server.close());
