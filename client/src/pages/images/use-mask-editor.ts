import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { clearMask, createMask, createMaskState, invertMask, type MaskBuffer, type MaskState } from '@/lib/mask';

export type MaskMode = 'brush' | 'eraser' | 'rectangle';

/** Brush diameter in screen pixels: the ring under the pointer keeps its size whatever the zoom. */
export const BRUSH_MIN = 4;
export const BRUSH_MAX = 200;
export const BRUSH_DEFAULT = 40;

/** One `[` or `]` press: about a quarter smaller or larger, at least one pixel, within the range. */
export function nextBrushSize(size: number, direction: 1 | -1): number {
  const scaled = Math.round(direction > 0 ? size * 1.25 : size / 1.25);
  const stepped = direction > 0 ? Math.max(scaled, size + 1) : Math.min(scaled, size - 1);
  return Math.min(BRUSH_MAX, Math.max(BRUSH_MIN, stepped));
}

export interface MaskEditorOptions {
  /** The current image's natural size: the mask has exactly these pixels. A new size starts a new, empty mask. */
  width: number;
  height: number;
  /** The mask whenever it changes (at the end of a stroke, on clear/invert), or null when the tool is off. */
  onChange?: (mask: MaskState | null) => void;
  /** No `M` toggle while true (e.g. a job is running); `[`/`]` still work while the tool is on. */
  disabled?: boolean;
  /** Listen for `M`, `[` and `]` on the window (default true). */
  shortcuts?: boolean;
}

/** What MaskEditor (the overlay) and MaskToolbar (the controls) share; made by useMaskEditor. */
export interface MaskEditorController {
  readonly width: number;
  readonly height: number;
  /** Whether the mask tool is on: its overlay shown and its mask in use. */
  readonly active: boolean;
  setActive: (active: boolean) => void;
  toggle: () => void;
  readonly disabled: boolean;
  readonly mode: MaskMode;
  setMode: (mode: MaskMode) => void;
  readonly brushSize: number;
  setBrushSize: (size: number) => void;
  clear: () => void;
  invert: () => void;
  /** The mask in use: null while the tool is off. Painting is kept while it is off, until the size changes. */
  readonly mask: MaskState | null;
  /** For MaskEditor: the live buffer it paints into, and a counter that says "redraw all of it". */
  readonly buffer: MaskBuffer;
  readonly revision: number;
  /** For MaskEditor: a stroke or rectangle ended; take a snapshot and report it. */
  commit: () => void;
}

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * The state of the mask tool. The page holds it, puts `<MaskEditor editor={…}>` over the image and
 * `<MaskToolbar editor={…}>` near it, and reads `editor.mask` (or gets it through `onChange`).
 */
export function useMaskEditor({ width, height, onChange, disabled = false, shortcuts = true }: MaskEditorOptions): MaskEditorController {
  const [active, setActiveState] = useState(false);
  const [mode, setMode] = useState<MaskMode>('brush');
  const [brushSize, setBrushSizeState] = useState(BRUSH_DEFAULT);
  const [buffer, setBuffer] = useState(() => createMask(width, height));
  const [snapshot, setSnapshot] = useState(() => createMaskState(buffer));
  const [revision, setRevision] = useState(0);

  // A new image size: the old mask cannot apply to it.
  if (buffer.width !== width || buffer.height !== height) {
    const fresh = createMask(width, height);
    setBuffer(fresh);
    setSnapshot(createMaskState(fresh));
    setRevision((r) => r + 1);
  }

  const setActive = useCallback((value: boolean) => setActiveState(value), []);
  const toggle = useCallback(() => setActiveState((a) => !a), []);
  const setBrushSize = useCallback(
    (size: number) => setBrushSizeState(Math.min(BRUSH_MAX, Math.max(BRUSH_MIN, Math.round(size)))),
    [],
  );
  const commit = useCallback(() => setSnapshot(createMaskState(buffer)), [buffer]);
  const clear = useCallback(() => {
    clearMask(buffer);
    setRevision((r) => r + 1);
    commit();
  }, [buffer, commit]);
  const invert = useCallback(() => {
    invertMask(buffer);
    setRevision((r) => r + 1);
    commit();
  }, [buffer, commit]);

  const mask = active ? snapshot : null;

  // Report each new mask (or the tool going off) once; not the initial "no mask".
  const reported = useRef<MaskState | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  useEffect(() => {
    if (reported.current === mask) return;
    reported.current = mask;
    onChangeRef.current?.(mask);
  }, [mask]);

  const keys = useRef({ active, disabled, toggle });
  keys.current = { active, disabled, toggle };
  useEffect(() => {
    if (!shortcuts) return;
    function onKeyDown(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || isTextField(event.target)) return;
      const { active: on, disabled: off, toggle: flip } = keys.current;
      if (event.key === 'm' || event.key === 'M') {
        if (off) return;
        event.preventDefault();
        flip();
      } else if (on && (event.key === '[' || event.key === ']')) {
        event.preventDefault();
        setBrushSizeState((size) => nextBrushSize(size, event.key === ']' ? 1 : -1));
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [shortcuts]);

  return useMemo(
    () => ({
      width,
      height,
      active,
      setActive,
      toggle,
      disabled,
      mode,
      setMode,
      brushSize,
      setBrushSize,
      clear,
      invert,
      mask,
      buffer,
      revision,
      commit,
    }),
    [width, height, active, setActive, toggle, disabled, mode, brushSize, setBrushSize, clear, invert, mask, buffer, revision, commit],
  );
}
