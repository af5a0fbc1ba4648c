import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN, fakeApi } from '../../../test/fake-api';
import { renderApp } from '../../../test/render';

// jsdom has no 2D canvas: a stand-in context for the overlay, and a PNG encoder that gives known bytes.
beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function () {
    return {
      createImageData: (w: number, h: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }),
      putImageData: () => {},
    } as never;
  });
  vi.spyOn(HTMLCanvasElement.prototype, 'toBlob').mockImplementation(function (callback) {
    callback(new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }));
  });
});
afterEach(() => vi.restoreAllMocks());

const pointer = (x: number, y: number) => ({ clientX: x, clientY: y, pointerId: 1, pointerType: 'mouse', button: 0, isPrimary: true });

/** The 1024×576 image shown 256×144 on screen. */
function showCanvas(canvas: HTMLElement) {
  const box = { left: 0, top: 0, width: 256, height: 144 };
  canvas.getBoundingClientRect = () => ({ ...box, x: 0, y: 0, right: 256, bottom: 144, toJSON: () => box });
}

describe('Region edits on the Images page', () => {
  it('paints a rectangle, says so, sends the mask with the edit, then marks the version in the history', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, identity.id);
    renderApp();
    const input = await screen.findByLabelText('Edit this image:');

    await user.click(screen.getByRole('button', { name: /Paint a mask/ }));
    const canvas = screen.getByTestId('mask-canvas');
    showCanvas(canvas);
    await user.click(screen.getByRole('button', { name: 'Rectangle' }));
    fireEvent.pointerDown(canvas, pointer(20, 20));
    fireEvent.pointerMove(canvas, pointer(120, 80));
    fireEvent.pointerUp(canvas, pointer(120, 80));

    expect(await screen.findByLabelText('Edit the painted area:')).toBe(input);
    await user.type(input, 'black and white{Enter}');

    await waitFor(() => expect(fakeApi.masks).toEqual(['AQID']));
    expect(await screen.findByLabelText('Edit this image:')).toBe(input); // the mask is done with
    expect(screen.queryByTestId('mask-canvas')).not.toBeInTheDocument();
    expect(await screen.findByRole('button', { name: /Version 2, edit: black and white, a painted area only/ })).toBeInTheDocument();
    expect(screen.getByTitle('Edited a painted area only')).toBeInTheDocument();
  });

  it('refuses to send an empty mask, and an ordinary edit carries none', async () => {
    const user = userEvent.setup();
    const identity = fakeApi.addIdentity('Ada');
    fakeApi.startSession(ADMIN.id, identity.id);
    renderApp();
    const input = await screen.findByLabelText('Edit this image:');

    await user.keyboard('m'); // the tool's shortcut
    expect(screen.getByTestId('mask-canvas')).toBeInTheDocument();
    await user.type(input, 'black and white{Enter}');
    expect(await screen.findByText('Paint the area to change first.')).toBeInTheDocument();
    expect(fakeApi.masks).toEqual([]);
    expect(input).toHaveValue('black and white');

    await user.click(screen.getByRole('button', { name: /Stop masking/ }));
    await user.type(input, '{Enter}');
    await waitFor(() => expect(fakeApi.sessions.get(ADMIN.id)!.versions).toHaveLength(2));
    expect(fakeApi.masks).toEqual([]);
    expect(screen.queryByTitle('Edited a painted area only')).not.toBeInTheDocument();
  });
});
