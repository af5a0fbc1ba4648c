// The painted mask of a region edit (issue 12), kept as one byte per image pixel at the image's
// natural resolution: 255 = may change, 0 = keep. Everything here is plain arithmetic over that
// buffer, so it is testable without a canvas; only the final PNG encode draws into one.

export const MASK_ON = 255;
export const MASK_OFF = 0;

export const MASK_EMPTY_MESSAGE = 'Paint the area to change first.';
export const MASK_COVERS_ALL_MESSAGE = 'The mask covers the whole image; clear it to edit everything.';

export interface MaskBuffer {
  readonly width: number;
  readonly height: number;
  /** Row-major, `width * height` bytes, each MASK_ON or MASK_OFF. */
  readonly data: Uint8Array;
}

export interface Point {
  x: number;
  y: number;
}

/** Whole pixels: columns `x .. x + width - 1`, rows `y .. y + height - 1`. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A box on screen, as `getBoundingClientRect()` gives it. */
export interface DisplayBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function createMask(width: number, height: number): MaskBuffer {
  if (!(width > 0 && height > 0)) throw new RangeError(`A mask needs a positive size, not ${width}×${height}.`);
  return { width, height, data: new Uint8Array(width * height) };
}

export function cloneMask(mask: MaskBuffer): MaskBuffer {
  return { width: mask.width, height: mask.height, data: mask.data.slice() };
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * Sets every pixel whose centre lies inside the rectangle spanned by two corners (image pixels,
 * any order, may lie outside the image) to `value`. Returns the pixels it touched, or null.
 */
export function fillRect(mask: MaskBuffer, a: Point, b: Point, value: number = MASK_ON): PixelRect | null {
  const left = clamp(Math.round(Math.min(a.x, b.x)), 0, mask.width);
  const right = clamp(Math.round(Math.max(a.x, b.x)), 0, mask.width);
  const top = clamp(Math.round(Math.min(a.y, b.y)), 0, mask.height);
  const bottom = clamp(Math.round(Math.max(a.y, b.y)), 0, mask.height);
  if (right <= left || bottom <= top) return null;
  for (let y = top; y < bottom; y++) mask.data.fill(value, y * mask.width + left, y * mask.width + right);
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * A round brush dragged from `from` to `to` (image pixels): sets every pixel whose centre is
 * within `radius` of the segment. A click is a segment of length 0, i.e. a dot. Returns the
 * pixels it may have touched (to redraw only those), or null when the stroke misses the image.
 */
export function paintStroke(mask: MaskBuffer, from: Point, to: Point, radius: number, value: number = MASK_ON): PixelRect | null {
  const r = Math.max(radius, 0.5); // the smallest brush still paints the pixel under it
  const left = clamp(Math.floor(Math.min(from.x, to.x) - r), 0, mask.width);
  const right = clamp(Math.ceil(Math.max(from.x, to.x) + r), 0, mask.width);
  const top = clamp(Math.floor(Math.min(from.y, to.y) - r), 0, mask.height);
  const bottom = clamp(Math.ceil(Math.max(from.y, to.y) + r), 0, mask.height);
  if (right <= left || bottom <= top) return null;
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const lengthSquared = dx * dx + dy * dy;
  const r2 = r * r;
  for (let y = top; y < bottom; y++) {
    const cy = y + 0.5;
    const row = y * mask.width;
    for (let x = left; x < right; x++) {
      const cx = x + 0.5;
      // The nearest point of the segment to the pixel's centre.
      const t = lengthSquared === 0 ? 0 : clamp(((cx - from.x) * dx + (cy - from.y) * dy) / lengthSquared, 0, 1);
      const ex = cx - (from.x + t * dx);
      const ey = cy - (from.y + t * dy);
      if (ex * ex + ey * ey <= r2) mask.data[row + x] = value;
    }
  }
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** In place: what was painted is kept, and the rest may change. */
export function invertMask(mask: MaskBuffer): void {
  const { data } = mask;
  for (let i = 0; i < data.length; i++) data[i] = data[i] ? MASK_OFF : MASK_ON;
}

export function clearMask(mask: MaskBuffer): void {
  mask.data.fill(MASK_OFF);
}

export function countCovered(mask: MaskBuffer): number {
  let count = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]) count++;
  return count;
}

export function isMaskEmpty(mask: MaskBuffer): boolean {
  return mask.data.every((v) => v === MASK_OFF);
}

export function maskCoversAll(mask: MaskBuffer): boolean {
  return mask.data.every((v) => v !== MASK_OFF);
}

/** Where an image of the given natural size is drawn inside `box` by `object-fit: contain`. */
export function containRect(box: DisplayBox, naturalWidth: number, naturalHeight: number): DisplayBox {
  const scale = Math.min(box.width / naturalWidth, box.height / naturalHeight);
  const width = naturalWidth * scale;
  const height = naturalHeight * scale;
  return { left: box.left + (box.width - width) / 2, top: box.top + (box.height - height) / 2, width, height };
}

/**
 * A point on screen (clientX/clientY) to image pixels, for an image drawn contained in `box`.
 * Not clamped: a stroke may start or pass outside the image and still paint its edge.
 */
export function displayToImage(clientX: number, clientY: number, box: DisplayBox, naturalWidth: number, naturalHeight: number): Point {
  const shown = containRect(box, naturalWidth, naturalHeight);
  if (!(shown.width > 0 && shown.height > 0)) return { x: 0, y: 0 };
  return {
    x: ((clientX - shown.left) * naturalWidth) / shown.width,
    y: ((clientY - shown.top) * naturalHeight) / shown.height,
  };
}

/** How many image pixels one screen pixel covers, for an image drawn contained in `box`. */
export function imagePixelsPerDisplayPixel(box: DisplayBox, naturalWidth: number, naturalHeight: number): number {
  const shown = containRect(box, naturalWidth, naturalHeight);
  return shown.width > 0 ? naturalWidth / shown.width : 1;
}

/**
 * The translucent overlay: painted pixels in `color` (opaque; the canvas's CSS opacity makes it
 * translucent), the rest transparent. Writes into `rgba` (4 bytes a pixel), only inside `rect`
 * when given.
 */
export function paintOverlay(mask: MaskBuffer, rgba: Uint8ClampedArray, color: readonly [number, number, number], rect?: PixelRect | null): void {
  const area = rect ?? { x: 0, y: 0, width: mask.width, height: mask.height };
  const [r, g, b] = color;
  for (let y = area.y; y < area.y + area.height; y++) {
    for (let x = area.x; x < area.x + area.width; x++) {
      const i = y * mask.width + x;
      const o = i * 4;
      if (mask.data[i]) {
        rgba[o] = r;
        rgba[o + 1] = g;
        rgba[o + 2] = b;
        rgba[o + 3] = 255;
      } else {
        rgba[o + 3] = 0;
      }
    }
  }
}

/** The mask as the API wants it: opaque white where the image may change, opaque black elsewhere. */
export function maskToOpaqueRgba(mask: MaskBuffer, rgba: Uint8ClampedArray = new Uint8ClampedArray(mask.data.length * 4)): Uint8ClampedArray {
  for (let i = 0; i < mask.data.length; i++) {
    const v = mask.data[i] ? 255 : 0;
    const o = i * 4;
    rgba[o] = v;
    rgba[o + 1] = v;
    rgba[o + 2] = v;
    rgba[o + 3] = 255;
  }
  return rgba;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000; // String.fromCharCode takes its arguments on the stack
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

/** The smallest part of a canvas the encoder needs (so a test can hand it a stand-in). */
export interface MaskCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): Pick<CanvasRenderingContext2D, 'createImageData' | 'putImageData'> | null;
  toBlob(callback: (blob: Blob | null) => void, type?: string): void;
}

/** `mask_png_base64` of the API: a PNG the size of the image, without a `data:` prefix. */
export async function encodeMaskPng(mask: MaskBuffer, createCanvas: () => MaskCanvas = () => document.createElement('canvas')): Promise<string> {
  const canvas = createCanvas();
  canvas.width = mask.width;
  canvas.height = mask.height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser cannot draw the mask (no 2D canvas).');
  const image = context.createImageData(mask.width, mask.height);
  maskToOpaqueRgba(mask, image.data);
  context.putImageData(image, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The mask could not be encoded as a PNG.');
  return bytesToBase64(new Uint8Array(await blob.arrayBuffer()));
}

/** A snapshot of the mask, as the editor reports it: later painting does not change it. */
export interface MaskState {
  readonly width: number;
  readonly height: number;
  /** Nothing painted: sending it would change nothing. */
  readonly isEmpty: boolean;
  /** Everything painted: a mask that keeps nothing; an edit without a mask does the same. */
  readonly coversAll: boolean;
  readonly coveredPixels: number;
  readonly buffer: MaskBuffer;
  /** The API's `mask_png_base64`: white = may change, black = keep, the image's size. */
  toPngBase64(): Promise<string>;
}

export function createMaskState(mask: MaskBuffer): MaskState {
  const buffer = cloneMask(mask);
  const coveredPixels = countCovered(buffer);
  return {
    width: buffer.width,
    height: buffer.height,
    isEmpty: coveredPixels === 0,
    coversAll: coveredPixels === buffer.data.length,
    coveredPixels,
    buffer,
    toPngBase64: () => encodeMaskPng(buffer),
  };
}

/** Why a mask cannot be sent (the message to show), or null when it can (or there is none). */
export function maskProblem(mask: Pick<MaskState, 'isEmpty' | 'coversAll'> | null): string | null {
  if (!mask) return null;
  if (mask.isEmpty) return MASK_EMPTY_MESSAGE;
  if (mask.coversAll) return MASK_COVERS_ALL_MESSAGE;
  return null;
}
