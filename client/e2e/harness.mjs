// A small sequential test harness: the flows build on each other (sign in, create, generate,
// edit…), so they run in order, each one timed and screenshotted, and the run ends with the
// plain `N passed, N failed` line that CI reads.
import { createHash } from 'node:crypto';

const tests = [];

/** `suite` groups flows that need their own server: 'local' (the default engine) or 'gemini'. */
export function test(name, fn, suite = 'local') {
  tests.push({ name, fn, suite });
}

export function hasTests(suite) {
  return tests.some((t) => t.suite === suite);
}

export async function runAll(context, suite = 'local') {
  let passed = 0;
  let failed = 0;
  for (const { name, fn } of tests.filter((t) => t.suite === suite)) {
    const started = Date.now();
    try {
      await fn(context);
      passed++;
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed++;
      console.log(`FAIL ${name} (${Date.now() - started} ms)\n     ${String(error?.stack ?? error).split('\n').slice(0, 6).join('\n     ')}`);
      try {
        await context.onFailure?.(name);
      } catch {
        // a failure picture is a bonus; never let it stop the suite
      }
    }
  }
  return { passed, failed };
}

export function assert(condition, message) {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}

export function assertEqual(actual, expected, message) {
  if (actual !== expected) {
    throw new Error(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** Polls `fn` until it returns a truthy value (or stops throwing). */
export async function eventually(fn, { timeout = 45_000, interval = 100, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`Timed out waiting for ${message}${lastError ? `: ${lastError.message}` : ''}`);
}

export const sha = (text) => createHash('sha256').update(text ?? '').digest('hex').slice(0, 16);
