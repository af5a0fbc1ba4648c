// An in-memory stand-in for the server, speaking docs/API.md through MSW, so component tests
// exercise the real api client, hooks and pages against realistic answers. The state and the job
// runner are db.ts; the routes are one file per resource; the server's words are
// test/server-messages.json. Jobs' events go out through FakeEventSource (test/fake-event-source.ts).
import { setupServer } from 'msw/node';
import { authRoutes } from './auth';
import { catalogueRoutes } from './catalogue';
import { identityRoutes } from './identities';
import { libraryRoutes } from './library';
import { sessionRoutes } from './session';
import { userRoutes } from './users';

export { ADMIN, ALICE, fakeApi, type FakeJob, type FakeJobEvent, type Session } from './db';
export { message } from './messages';

export const handlers = [...catalogueRoutes, ...authRoutes, ...userRoutes, ...identityRoutes, ...sessionRoutes, ...libraryRoutes];

export const server = setupServer(...handlers);
