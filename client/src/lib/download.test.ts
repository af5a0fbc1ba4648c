import { base64ToBytes, imageFileName, slugify, toPngBlob } from './download';

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

describe('toPngBlob', () => {
  it('keeps PNG bytes as they are', async () => {
    const png = btoa(String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 1, 2, 3));
    const blob = await toPngBlob(png, 'image/png');
    expect(blob.type).toBe('image/png');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(base64ToBytes(png));
  });
});
