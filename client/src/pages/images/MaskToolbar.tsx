import { useId } from 'react';
import { BRUSH_MAX, BRUSH_MIN, type MaskEditorController, type MaskMode } from './use-mask-editor';

const MODES: { mode: MaskMode; label: string; hint: string }[] = [
  { mode: 'brush', label: 'Brush', hint: 'Paint the area to change' },
  { mode: 'eraser', label: 'Eraser', hint: 'Erase paint: that area is kept' },
  { mode: 'rectangle', label: 'Rectangle', hint: 'Drag a rectangle to paint' },
];

interface Props {
  editor: MaskEditorController;
}

/** The mask tool's controls: on/off (M), brush, eraser, rectangle, brush size ([ and ]), clear, invert. */
export function MaskToolbar({ editor }: Props) {
  const sizeId = useId();
  const { active, mode, brushSize, mask } = editor;
  const share = mask && !mask.isEmpty ? Math.max(1, Math.round((mask.coveredPixels / (mask.width * mask.height)) * 100)) : 0;
  return (
    <div className="mask-toolbar" role="group" aria-label="Mask tools">
      <button
        type="button"
        className="button button-small"
        aria-pressed={active}
        aria-keyshortcuts="M"
        disabled={editor.disabled && !active}
        onClick={editor.toggle}
        title="Paint the area an edit may change (M)"
      >
        {active ? 'Stop masking' : 'Paint a mask'} <kbd className="mask-key">M</kbd>
      </button>
      {active && (
        <>
          <div className="mask-modes" role="group" aria-label="Mask tool">
            {MODES.map((item) => (
              <button
                key={item.mode}
                type="button"
                className="button button-small"
                aria-pressed={mode === item.mode}
                title={item.hint}
                onClick={() => editor.setMode(item.mode)}
              >
                {item.label}
              </button>
            ))}
          </div>
          <div className="mask-size">
            <label htmlFor={sizeId}>Brush size</label>
            <input
              id={sizeId}
              type="range"
              min={BRUSH_MIN}
              max={BRUSH_MAX}
              value={brushSize}
              aria-keyshortcuts="[ ]"
              aria-valuetext={`${brushSize} pixels`}
              disabled={mode === 'rectangle'}
              onChange={(event) => editor.setBrushSize(Number(event.target.value))}
            />
            <output htmlFor={sizeId} className="mask-size-value">
              {brushSize} px
            </output>
          </div>
          <div className="mask-actions">
            {/* Never disabled: a button that disables itself when clicked would drop the keyboard focus. */}
            <button type="button" className="button button-small" onClick={editor.clear}>
              Clear
            </button>
            <button type="button" className="button button-small" onClick={editor.invert} title="Swap the painted and the kept areas">
              Invert
            </button>
          </div>
          <p className="mask-status hint" aria-live="polite">
            {!mask || mask.isEmpty
              ? 'Nothing painted yet: paint the area to change.'
              : mask.coversAll
                ? 'All of the image is painted.'
                : `Painted: about ${share}% of the image.`}
          </p>
        </>
      )}
    </div>
  );
}
