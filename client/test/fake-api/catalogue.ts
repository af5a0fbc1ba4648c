// What the server says about itself: the model catalogue, the local engine's instructions, usage.
import { http, HttpResponse, type JsonBodyType } from 'msw';
import { fakeApi } from './db';
import { forbidden, unauthorized } from './messages';

export const catalogueRoutes = [
  http.get('/api/v1/local-engine/instructions/', () =>
    fakeApi.signedIn
      ? HttpResponse.json({
          instructions: [
            { name: 'black and white', description: 'Removes all colour.', examples: ['black and white', 'make it grayscale'] },
            { name: 'sepia', description: 'An old-photo brown tone.', examples: ['sepia', 'make it vintage'] },
            { name: '<colour> tint', description: 'Washes the image with a colour.', examples: ['tint it green'] },
          ],
          version_commands: ['undo', 'undo that', 'go back', 'redo'],
        })
      : unauthorized(),
  ),
  http.get('/api/v1/image-options', () =>
    fakeApi.signedIn ? HttpResponse.json(fakeApi.imageOptions as unknown as JsonBodyType) : unauthorized(),
  ),
  http.get('/api/v1/admin/usage/', ({ request }) => {
    if (!fakeApi.signedIn?.is_admin) return forbidden();
    fakeApi.usageRequests.push(new URL(request.url).searchParams.get('days') ?? '');
    return HttpResponse.json({ days: fakeApi.usage } as unknown as JsonBodyType);
  }),
];
