// The edge of a region edit's mask, to draw over the compare view (issue 12): the mask PNG is
// read into a canvas, and every edge between a painted (white) and an unpainted pixel becomes a
// piece of an SVG path in the mask's pixel units, so the path scales with the image.
import { useEffect, useState } from 'react';

/** The pixels of an image as a canvas's `getImageData` gives them (RGBA, row by row). */
export interface MaskPixels {
  width: number;
  height: number;
  data: ArrayLike<number>;
}

/** Masks are read at most this wide or tall: the outline need not be finer than the screen shows it. */
const MAX_SIDE = 512;

/**
 * The boundary of the mask's white area (red channel ≥ `threshold`) as an SVG path: horizontal
 * and vertical runs of pixel edges, `M x y H x2` and `M x y V y2`. Empty when nothing is painted.
 */
export function maskOutlinePath({ width, height, data }: MaskPixels, threshold = 128): string {
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && data[(y * width + x) * 4] >= threshold;
  const parts: string[] = [];
  // Edges between row y-1 and row y, joined along x.
  for (let y = 0; y <= height; y++) {
    let start = -1;
    for (let x = 0; x <= width; x++) {
      const edge = x < width && inside(x, y - 1) !== inside(x, y);
      if (edge && start < 0) start = x;
      if (!edge && start >= 0) {
        parts.push(`M${start} ${y}H${x}`);
        start = -1;
      }
    }
  }
  // Edges between column x-1 and column x, joined along y.
  for (let x = 0; x <= width; x++) {
    let start = -1;
    for (let y = 0; y <= height; y++) {
      const edge = y < height && inside(x - 1, y) !== inside(x, y);
      if (edge && start < 0) start = y;
      if (!edge && start >= 0) {
        parts.push(`M${x} ${start}V${y}`);
        start = -1;
      }
    }
  }
  return parts.join('');
}

export interface MaskOutline {
  path: string;
  width: number;
  height: number;
}

/** Loads the mask at `src` (when set) and traces its edge; null until it is read, or if it cannot be. */
export function useMaskOutline(src: string | null): MaskOutline | null {
  const [outline, setOutline] = useState<{ src: string; outline: MaskOutline } | null>(null);
  useEffect(() => {
    if (!src) return;
    let cancelled = false;
    const image = new Image();
    image.onload = () => {
      if (cancelled) return;
      const scale = Math.min(1, MAX_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
      const width = Math.max(1, Math.round(image.naturalWidth * scale));
      const height = Math.max(1, Math.round(image.naturalHeight * scale));
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext('2d', { willReadFrequently: true });
      if (!context) return;
      context.drawImage(image, 0, 0, width, height);
      const pixels = context.getImageData(0, 0, width, height);
      setOutline({ src, outline: { path: maskOutlinePath(pixels), width, height } });
    };
    image.src = src;
    return () => {
      cancelled = true;
      image.onload = null;
    };
  }, [src]);
  return outline && outline.src === src ? outline.outline : null;
}
