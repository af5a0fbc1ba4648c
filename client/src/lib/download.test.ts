import { http, HttpResponse } from 'msw';
import { server } from '../../test/fake-api';
import { fetchPng, imageFileName, slugify } from './download';

describe('imageFileName', () => {
  it('names the identity, version, kind and time', () => {
    const name = imageFileName({
      identityName: 'Ada Lovelace',
      versionNumber: 3,
      kind: 'edit',
      createdAt: new Date(2026, 10, 25, 14, 5),
    });
    expect(name).toBe('likeness-ada-lovelace-v3-edit-20261125-1405.png');
  });

  it('falls back gracefully', () => {
    expect(imageFileName({})).toBe('likeness-image.png');
    expect(imageFileName({ identityName: '★★★' })).toBe('likeness-image.png');
  });

  it('slugifies accents and punctuation', () => {
    expect(slugify('  Zoë’s   Café!! ')).toBe('zoe-s-cafe');
  });
});

describe('fetchPng', () => {
  it('downloads the image by URL and keeps PNG bytes as they are', async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    server.use(http.get('/img/v1', () => new HttpResponse(bytes, { headers: { 'Content-Type': 'image/png' } })));
    const blob = await fetchPng('/img/v1');
    expect(blob.type).toBe('image/png');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
  });

  it('says so when the image cannot be had', async () => {
    server.use(http.get('/img/gone', () => new HttpResponse(null, { status: 404 })));
    await expect(fetchPng('/img/gone')).rejects.toThrow('Could not download the image (404).');
  });
});
