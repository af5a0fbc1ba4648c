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
  kind?: 'generate' | 'edit' | 'upload' | null;
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

/** PNG bytes of an image: as they are when already PNG, re-encoded through a canvas otherwise. */
export async function toPngBlob(blob: Blob): Promise<Blob> {
  if (blob.type === 'image/png') return blob;
  const url = URL.createObjectURL(blob);
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    canvas.getContext('2d')!.drawImage(image, 0, 0);
    return await new Promise((resolve, reject) =>
      canvas.toBlob((png) => (png ? resolve(png) : reject(new Error('Could not convert the image to PNG.'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The image at `url` (same origin, cookie auth; the browser's cache usually has it) as PNG. */
export async function fetchPng(url: string): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin' });
  } catch {
    throw new Error('Cannot reach the server. Check your connection and try again.');
  }
  if (!response.ok) throw new Error(`Could not download the image (${response.status}).`);
  const bytes = await response.arrayBuffer();
  // PNG bytes stay as they are whatever type the answer named: trust the magic number.
  const head = new Uint8Array(bytes.slice(0, 4));
  const isPng = head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47;
  const type = isPng ? 'image/png' : (response.headers.get('content-type') ?? 'application/octet-stream');
  return toPngBlob(new Blob([bytes], { type }));
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
