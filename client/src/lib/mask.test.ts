import { describe, expect, it } from 'vitest';
import {
  MASK_COVERS_ALL_MESSAGE,
  MASK_EMPTY_MESSAGE,
  bytesToBase64,
  clearMask,
  containRect,
  countCovered,
  createMask,
  createMaskState,
  displayToImage,
  encodeMaskPng,
  fillRect,
  imagePixelsPerDisplayPixel,
  invertMask,
  isMaskEmpty,
  maskCoversAll,
  maskProblem,
  maskToOpaqueRgba,
  paintOverlay,
  paintStroke,
  type MaskBuffer,
  type MaskCanvas,
} from './mask';

/** The painted pixels as "x,y" strings, for exact comparisons. */
function painted(mask: MaskBuffer): Set<string> {
  const set = new Set<string>();
  for (let y = 0; y < mask.height; y++) for (let x = 0; x < mask.width; x++) if (mask.data[y * mask.width + x]) set.add(`${x},${y}`);
  return set;
}

function rectPixels(x: number, y: number, width: number, height: number): Set<string> {
  const set = new Set<string>();
  for (let j = y; j < y + height; j++) for (let i = x; i < x + width; i++) set.add(`${i},${j}`);
  return set;
}

describe('fillRect', () => {
  it('marks exactly the pixels inside the rectangle, whichever corner comes first', () => {
    const mask = createMask(40, 30);
    const touched = fillRect(mask, { x: 30, y: 25 }, { x: 10, y: 20 });
    expect(touched).toEqual({ x: 10, y: 20, width: 20, height: 5 });
    expect(painted(mask)).toEqual(rectPixels(10, 20, 20, 5));
    expect(mask.data[20 * 40 + 10]).toBe(255);
  });

  it('clips to the image and ignores a rectangle outside it', () => {
    const mask = createMask(10, 10);
    expect(fillRect(mask, { x: -5, y: -5 }, { x: 3, y: 2 })).toEqual({ x: 0, y: 0, width: 3, height: 2 });
    expect(painted(mask)).toEqual(rectPixels(0, 0, 3, 2));
    expect(fillRect(mask, { x: 12, y: 0 }, { x: 20, y: 5 })).toBeNull();
    expect(countCovered(mask)).toBe(6);
  });

  it('erases with value 0', () => {
    const mask = createMask(10, 10);
    fillRect(mask, { x: 0, y: 0 }, { x: 10, y: 10 });
    fillRect(mask, { x: 2, y: 2 }, { x: 4, y: 4 }, 0);
    expect(countCovered(mask)).toBe(100 - 4);
    expect(mask.data[2 * 10 + 2]).toBe(0);
    expect(mask.data[2 * 10 + 4]).toBe(255);
  });
});

describe('paintStroke', () => {
  it('paints a round dot of the radius around a click', () => {
    const mask = createMask(20, 20);
    paintStroke(mask, { x: 10, y: 10 }, { x: 10, y: 10 }, 2);
    // Pixel centres within 2 of (10, 10): the 4×4 block 8..11 minus its corners' far sides.
    const expected = new Set<string>();
    for (let y = 0; y < 20; y++)
      for (let x = 0; x < 20; x++) if ((x + 0.5 - 10) ** 2 + (y + 0.5 - 10) ** 2 <= 4) expected.add(`${x},${y}`);
    expect(painted(mask)).toEqual(expected);
    expect(expected.size).toBe(12);
  });

  it('covers the whole segment between two points', () => {
    const mask = createMask(50, 10);
    paintStroke(mask, { x: 5, y: 5 }, { x: 45, y: 5 }, 1);
    for (let x = 5; x < 45; x++) expect(mask.data[5 * 50 + x]).toBe(255);
    expect(mask.data[5 * 50 + 47]).toBe(0);
    expect(mask.data[2 * 50 + 20]).toBe(0);
  });

  it('the eraser (value 0) removes paint along its stroke only', () => {
    const mask = createMask(20, 20);
    fillRect(mask, { x: 0, y: 0 }, { x: 20, y: 20 });
    paintStroke(mask, { x: 0, y: 10 }, { x: 20, y: 10 }, 1, 0);
    expect(mask.data[10 * 20 + 5]).toBe(0);
    expect(mask.data[9 * 20 + 5]).toBe(0); // centre 9.5 is 0.5 from the line
    expect(mask.data[5 * 20 + 5]).toBe(255);
    expect(isMaskEmpty(mask)).toBe(false);
    expect(maskCoversAll(mask)).toBe(false);
  });

  it('returns null for a stroke that misses the image', () => {
    const mask = createMask(10, 10);
    expect(paintStroke(mask, { x: -20, y: -20 }, { x: -15, y: -15 }, 2)).toBeNull();
    expect(isMaskEmpty(mask)).toBe(true);
  });
});

describe('invert, clear, empty and all-covered', () => {
  it('invert swaps painted and kept pixels', () => {
    const mask = createMask(8, 8);
    fillRect(mask, { x: 0, y: 0 }, { x: 4, y: 8 });
    invertMask(mask);
    expect(painted(mask)).toEqual(rectPixels(4, 0, 4, 8));
    invertMask(mask);
    expect(painted(mask)).toEqual(rectPixels(0, 0, 4, 8));
  });

  it('a fresh mask is empty, its inverse covers all, and clear empties it again', () => {
    const mask = createMask(5, 4);
    expect(isMaskEmpty(mask)).toBe(true);
    expect(maskCoversAll(mask)).toBe(false);
    invertMask(mask);
    expect(isMaskEmpty(mask)).toBe(false);
    expect(maskCoversAll(mask)).toBe(true);
    clearMask(mask);
    expect(isMaskEmpty(mask)).toBe(true);
  });

  it('maskProblem gives the messages that block sending', () => {
    const mask = createMask(4, 4);
    expect(maskProblem(createMaskState(mask))).toBe(MASK_EMPTY_MESSAGE);
    fillRect(mask, { x: 0, y: 0 }, { x: 2, y: 2 });
    expect(maskProblem(createMaskState(mask))).toBeNull();
    invertMask(mask);
    fillRect(mask, { x: 0, y: 0 }, { x: 4, y: 4 });
    expect(maskProblem(createMaskState(mask))).toBe(MASK_COVERS_ALL_MESSAGE);
    expect(maskProblem(null)).toBeNull();
  });

  it('a state is a snapshot that later painting does not change', () => {
    const mask = createMask(4, 4);
    const state = createMaskState(mask);
    fillRect(mask, { x: 0, y: 0 }, { x: 4, y: 4 });
    expect(state.isEmpty).toBe(true);
    expect(state.buffer.data.every((v) => v === 0)).toBe(true);
    expect(createMaskState(mask)).toMatchObject({ width: 4, height: 4, coversAll: true, coveredPixels: 16 });
  });
});

describe('display to image coordinates', () => {
  it('maps a point on an image shown at half size to image pixels', () => {
    // A 2000×1000 image shown 1000×500 at (100, 50).
    const box = { left: 100, top: 50, width: 1000, height: 500 };
    expect(displayToImage(100, 50, box, 2000, 1000)).toEqual({ x: 0, y: 0 });
    expect(displayToImage(600, 300, box, 2000, 1000)).toEqual({ x: 1000, y: 500 });
    expect(displayToImage(1100, 550, box, 2000, 1000)).toEqual({ x: 2000, y: 1000 });
    expect(imagePixelsPerDisplayPixel(box, 2000, 1000)).toBe(2);
  });

  it('accounts for the letterbox of object-fit: contain', () => {
    // A square 1024 image in a 400×200 box is drawn 200×200, centred: from x = 100 to 300.
    const box = { left: 0, top: 0, width: 400, height: 200 };
    expect(containRect(box, 1024, 1024)).toEqual({ left: 100, top: 0, width: 200, height: 200 });
    expect(displayToImage(100, 0, box, 1024, 1024)).toEqual({ x: 0, y: 0 });
    expect(displayToImage(200, 100, box, 1024, 1024)).toEqual({ x: 512, y: 512 });
    expect(displayToImage(50, 100, box, 1024, 1024).x).toBeLessThan(0); // in the letterbox: outside
    expect(imagePixelsPerDisplayPixel(box, 1024, 1024)).toBeCloseTo(5.12);
  });

  it('a rectangle dragged on a scaled display marks the matching image pixels', () => {
    const box = { left: 0, top: 0, width: 100, height: 50 }; // a 400×200 image at a quarter
    const mask = createMask(400, 200);
    fillRect(mask, displayToImage(10, 10, box, 400, 200), displayToImage(20, 15, box, 400, 200));
    expect(painted(mask)).toEqual(rectPixels(40, 40, 40, 20));
  });
});

describe('overlay and PNG', () => {
  it('the overlay colours painted pixels and leaves the rest transparent', () => {
    const mask = createMask(2, 1);
    mask.data[1] = 255;
    const rgba = new Uint8ClampedArray(8).fill(9);
    paintOverlay(mask, rgba, [200, 10, 20]);
    expect(Array.from(rgba.slice(4))).toEqual([200, 10, 20, 255]);
    expect(rgba[3]).toBe(0);
  });

  it('the PNG pixels are opaque white where painted and opaque black elsewhere', () => {
    const mask = createMask(3, 1);
    mask.data[0] = 255;
    expect(Array.from(maskToOpaqueRgba(mask))).toEqual([255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255]);
  });

  it('encodes through a canvas the size of the image and answers bare base64', async () => {
    const mask = createMask(3, 2);
    fillRect(mask, { x: 0, y: 0 }, { x: 1, y: 2 });
    let drawn: Uint8ClampedArray | null = null;
    const canvas: MaskCanvas = {
      width: 0,
      height: 0,
      getContext: () => ({
        createImageData: ((w: number, h: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) })) as never,
        putImageData: ((image: ImageData) => {
          drawn = image.data;
        }) as never,
      }),
      toBlob: (callback, type) => callback(new Blob([new Uint8Array([137, 80, 78, 71])], { type })),
    };
    const base64 = await encodeMaskPng(mask, () => canvas);
    expect(base64).toBe(bytesToBase64(new Uint8Array([137, 80, 78, 71])));
    expect(base64.startsWith('data:')).toBe(false);
    expect([canvas.width, canvas.height]).toEqual([3, 2]);
    expect(Array.from(drawn!)).toEqual([255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255]);
  });

  it('bytesToBase64 matches the platform encoder, across its chunk size', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
    expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });
});
