import { useEffect, useRef } from 'react';

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  // The edit box, empty: right after an edit focus is back in it, and there is no text to undo (finding 7).
  if (target instanceof HTMLInputElement && target.hasAttribute('data-image-undo-when-empty') && target.value === '') return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Inside the variant picker the keys are the picker's: Ctrl+Z there must not change the version under it. */
function inVariantPicker(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('.variant-picker') !== null;
}

/**
 * Ctrl+Z undoes, Ctrl+Shift+Z (or Ctrl+Y) redoes; Cmd on a Mac. Inside a text field the
 * browser's own text undo wins, so typing an instruction never rewinds the image; an empty edit
 * box (marked `data-image-undo-when-empty`) has no text to undo, so there the image's undo works.
 */
export function useUndoRedoShortcuts({ onUndo, onRedo }: { onUndo: () => void; onRedo: () => void }) {
  const handlers = useRef({ onUndo, onRedo });
  handlers.current = { onUndo, onRedo };

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || isTextField(event.target) || inVariantPicker(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault();
        handlers.current.onUndo();
      } else if ((key === 'z' && event.shiftKey) || key === 'y') {
        event.preventDefault();
        handlers.current.onRedo();
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
