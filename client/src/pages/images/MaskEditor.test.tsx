import { act, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MASK_COVERS_ALL_MESSAGE, MASK_EMPTY_MESSAGE, maskProblem, type MaskState } from '@/lib/mask';
import { MaskEditor } from './MaskEditor';
import { MaskToolbar } from './MaskToolbar';
import { BRUSH_DEFAULT, nextBrushSize, useMaskEditor } from './use-mask-editor';

// jsdom has no 2D canvas: a stand-in context keeps the overlay's pixels, so the test can read them.
let overlayPixels: Uint8ClampedArray | null = null;
beforeEach(() => {
  overlayPixels = null;
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function () {
    return {
      createImageData: (w: number, h: number) => {
        overlayPixels = new Uint8ClampedArray(w * h * 4);
        return { width: w, height: h, data: overlayPixels };
      },
      putImageData: () => {},
    } as never;
  });
});
afterEach(() => vi.restoreAllMocks());

function Harness({ width = 400, height = 200, onChange }: { width?: number; height?: number; onChange: (mask: MaskState | null) => void }) {
  const editor = useMaskEditor({ width, height, onChange });
  return (
    <>
      <input aria-label="Instruction" />
      <MaskToolbar editor={editor} />
      <div style={{ position: 'relative', width: 100, height: 50 }}>
        <MaskEditor editor={editor} src="/image.png" alt="The current image" />
      </div>
    </>
  );
}

/** Shows the 400×200 image 100×50 on screen: a quarter of its size. */
function showCanvasAt(canvas: HTMLElement, box = { left: 0, top: 0, width: 100, height: 50 }) {
  canvas.getBoundingClientRect = () => ({ ...box, x: box.left, y: box.top, right: box.left + box.width, bottom: box.top + box.height, toJSON: () => box });
}

function renderEditor(props: { width?: number; height?: number } = {}) {
  const onChange = vi.fn<(mask: MaskState | null) => void>();
  const view = render(<Harness {...props} onChange={onChange} />);
  const last = () => onChange.mock.calls.at(-1)?.[0] ?? null;
  return { ...view, onChange, last };
}

async function turnOn(user: ReturnType<typeof userEvent.setup>) {
  await user.keyboard('m');
  const canvas = screen.getByTestId('mask-canvas');
  showCanvasAt(canvas);
  return canvas;
}

const pointer = (x: number, y: number, pointerType = 'mouse') => ({ clientX: x, clientY: y, pointerId: 1, pointerType, button: 0, isPrimary: true });

function covered(mask: MaskState): Set<string> {
  const set = new Set<string>();
  for (let y = 0; y < mask.height; y++) for (let x = 0; x < mask.width; x++) if (mask.buffer.data[y * mask.width + x]) set.add(`${x},${y}`);
  return set;
}

describe('MaskEditor', () => {
  it('M turns the tool on (an empty mask) and off (no mask); typing M in a text field does not', async () => {
    const user = userEvent.setup();
    const { onChange, last } = renderEditor();
    expect(screen.queryByTestId('mask-canvas')).not.toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();

    await user.keyboard('m');
    expect(screen.getByTestId('mask-canvas')).toHaveAttribute('width', '400');
    expect(screen.getByTestId('mask-canvas')).toHaveAttribute('height', '200');
    expect(screen.getByRole('button', { name: /stop masking/i })).toHaveAttribute('aria-pressed', 'true');
    expect(last()).toMatchObject({ width: 400, height: 200, isEmpty: true, coversAll: false });
    expect(maskProblem(last())).toBe(MASK_EMPTY_MESSAGE);

    await user.keyboard('M');
    expect(screen.queryByTestId('mask-canvas')).not.toBeInTheDocument();
    expect(last()).toBeNull();

    await user.type(screen.getByRole('textbox', { name: 'Instruction' }), 'make');
    expect(screen.queryByTestId('mask-canvas')).not.toBeInTheDocument();
  });

  it('[ and ] change the brush size while the tool is on', async () => {
    const user = userEvent.setup();
    renderEditor();
    await user.keyboard(']'); // tool off: nothing to size
    await user.keyboard('m');
    const slider = screen.getByRole('slider', { name: 'Brush size' });
    expect(slider).toHaveValue(String(BRUSH_DEFAULT));
    await user.keyboard(']');
    expect(slider).toHaveValue(String(nextBrushSize(BRUSH_DEFAULT, 1)));
    expect(nextBrushSize(BRUSH_DEFAULT, 1)).toBeGreaterThan(BRUSH_DEFAULT);
    await user.keyboard('[[[['); // user-event writes a literal [ as [[
    expect(slider).toHaveValue(String(nextBrushSize(nextBrushSize(nextBrushSize(BRUSH_DEFAULT, 1), -1), -1)));
    expect(Number((slider as HTMLInputElement).value)).toBeLessThan(BRUSH_DEFAULT);
    expect(screen.getByText(`${(slider as HTMLInputElement).value} px`)).toBeInTheDocument();
  });

  it('a rectangle dragged on the scaled display marks exactly those image pixels', async () => {
    const user = userEvent.setup();
    const { last } = renderEditor();
    const canvas = await turnOn(user);
    await user.click(screen.getByRole('button', { name: 'Rectangle' }));

    fireEvent.pointerDown(canvas, pointer(10, 10));
    fireEvent.pointerMove(canvas, pointer(20, 15));
    expect(screen.getByTestId('mask-rectangle')).toHaveStyle({ left: '10%', top: '20%', width: '10%', height: '10%' });
    fireEvent.pointerUp(canvas, pointer(20, 15));

    const mask = last()!;
    const expected = new Set<string>();
    for (let y = 40; y < 60; y++) for (let x = 40; x < 80; x++) expected.add(`${x},${y}`);
    expect(covered(mask)).toEqual(expected);
    expect(mask.isEmpty).toBe(false);
    expect(maskProblem(mask)).toBeNull();
    expect(screen.queryByTestId('mask-rectangle')).not.toBeInTheDocument();
    // The overlay shows the painted pixels and nothing else.
    expect(overlayPixels![(50 * 400 + 60) * 4 + 3]).toBe(255);
    expect(overlayPixels![(10 * 400 + 10) * 4 + 3]).toBe(0);
  });

  it('the brush paints at image resolution with touch, and the eraser removes paint', async () => {
    const user = userEvent.setup();
    const { last } = renderEditor();
    const canvas = await turnOn(user);
    // 40 screen pixels across at a quarter size: a radius of 80 image pixels.
    fireEvent.pointerDown(canvas, pointer(50, 25, 'touch'));
    fireEvent.pointerUp(canvas, pointer(50, 25, 'touch'));
    let mask = last()!;
    const at = (m: MaskState, x: number, y: number) => m.buffer.data[y * m.width + x];
    expect(at(mask, 200, 100)).toBe(255);
    expect(at(mask, 275, 100)).toBe(255);
    expect(at(mask, 285, 100)).toBe(0);

    await user.click(screen.getByRole('button', { name: 'Eraser' }));
    fireEvent.change(screen.getByRole('slider', { name: 'Brush size' }), { target: { value: '8' } }); // radius 16
    fireEvent.pointerDown(canvas, pointer(50, 20));
    fireEvent.pointerMove(canvas, pointer(50, 30));
    fireEvent.pointerUp(canvas, pointer(50, 30));
    mask = last()!;
    expect(at(mask, 200, 100)).toBe(0);
    expect(at(mask, 200, 70)).toBe(0);
    expect(at(mask, 200, 60)).toBe(255);
    expect(at(mask, 140, 100)).toBe(255); // outside the eraser's 16-pixel radius: still painted
  });

  it('a second finger does not paint while the first one does', async () => {
    const user = userEvent.setup();
    const { last } = renderEditor();
    const canvas = await turnOn(user);
    await user.click(screen.getByRole('button', { name: 'Rectangle' }));
    fireEvent.pointerDown(canvas, pointer(0, 0, 'touch'));
    fireEvent.pointerDown(canvas, { ...pointer(90, 40, 'touch'), pointerId: 2 });
    fireEvent.pointerMove(canvas, { ...pointer(100, 50, 'touch'), pointerId: 2 });
    fireEvent.pointerUp(canvas, { ...pointer(100, 50, 'touch'), pointerId: 2 });
    fireEvent.pointerUp(canvas, pointer(5, 5, 'touch'));
    expect(last()!.coveredPixels).toBe(20 * 20);
  });

  it('invert and clear: an inverted empty mask covers all and is blocked with its message', async () => {
    const user = userEvent.setup();
    const { last } = renderEditor();
    await turnOn(user);
    await user.click(screen.getByRole('button', { name: 'Invert' }));
    expect(last()).toMatchObject({ isEmpty: false, coversAll: true });
    expect(maskProblem(last())).toBe(MASK_COVERS_ALL_MESSAGE);
    expect(screen.getByText('All of the image is painted.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear' }));
    expect(last()).toMatchObject({ isEmpty: true, coversAll: false });
    expect(screen.getByRole('button', { name: 'Clear' })).toHaveFocus();
    expect(screen.getByText('Nothing painted yet: paint the area to change.')).toBeInTheDocument();
  });

  it('the PNG is made at the image size from the reported mask', async () => {
    const user = userEvent.setup();
    const { last } = renderEditor({ width: 8, height: 4 });
    await turnOn(user);
    await user.click(screen.getByRole('button', { name: 'Invert' }));
    let size: [number, number] = [0, 0];
    vi.spyOn(HTMLCanvasElement.prototype, 'toBlob').mockImplementation(function (this: HTMLCanvasElement, callback) {
      size = [this.width, this.height];
      callback(new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }));
    });
    await expect(last()!.toPngBase64()).resolves.toBe('AQID');
    expect(size).toEqual([8, 4]);
  });

  it('a new image size starts an empty mask', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn<(mask: MaskState | null) => void>();
    const { rerender } = render(<Harness width={400} height={200} onChange={onChange} />);
    await user.keyboard('m');
    await user.click(screen.getByRole('button', { name: 'Invert' }));
    expect(onChange.mock.calls.at(-1)![0]).toMatchObject({ coversAll: true });
    await act(async () => rerender(<Harness width={200} height={400} onChange={onChange} />));
    expect(onChange.mock.calls.at(-1)![0]).toMatchObject({ width: 200, height: 400, isEmpty: true });
    expect(screen.getByTestId('mask-canvas')).toHaveAttribute('width', '200');
  });
});
