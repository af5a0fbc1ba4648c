// Download of the current image as PNG, with a file name that says what it is.

export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return slug || 'image';
}

function stamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}`;
}

export interface ImageFileNameParts {
  identityName?: string | null;
  /** 1-based position of the version in the session's history. */
  versionNumber?: number | null;
  kind?: 'generate' | 'edit' | null;
  createdAt?: Date | string | null;
}

/** e.g. `likeness-ada-lovelace-v3-edit-20261125-1412.png` */
export function imageFileName({ identityName, versionNumber, kind, createdAt }: ImageFileNameParts): string {
  const parts = ['likeness', slugify(identityName || 'image')];
  if (versionNumber) parts.push(`v${versionNumber}`);
  if (kind) parts.push(kind);
  const date = createdAt ? new Date(createdAt) : null;
  if (date && !Number.isNaN(date.getTime())) parts.push(stamp(date));
  return `${parts.join('-')}.png`;
}

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** PNG bytes of the image: as they are when already PNG, re-encoded through a canvas otherwise. */
export async function toPngBlob(base64: string, mimeType: string): Promise<Blob> {
  if (mimeType === 'image/png') return new Blob([base64ToBytes(base64)], { type: 'image/png' });
  const image = new Image();
  image.src = `data:${mimeType};base64,${base64}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  canvas.getContext('2d')!.drawImage(image, 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('Could not convert the image to PNG.'))), 'image/png'),
  );
}

export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
