import { useEffect, useId, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';

/** One finished variant, as the job's `variant` event reports it (`index` counts from 0). */
export interface Variant {
  version_id: string;
  index: number;
  image_url: string;
}

export interface FailedVariant {
  index: number;
  message: string;
}

interface Props {
  /** How many variants the job makes (1–4). */
  expected: number;
  /** Those that have arrived, in any order. */
  variants: Variant[];
  /** Those that failed: the others still count. */
  failed: FailedVariant[];
  /** A variant was picked (click, Enter or Space), or Escape kept the first one. */
  onPick: (versionId: string) => void;
  /** The image's shape, so placeholders keep the layout (defaults to square). */
  width?: number;
  height?: number;
  /** Escape anywhere on the page (outside text fields) keeps the first variant; default true. */
  escapeKeepsFirst?: boolean;
  disabled?: boolean;
}

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Whether Escape there means something else: a field with text in it (or a select). An empty text box, where
 * the page puts focus after a turn, has nothing to undo, so Escape there keeps the first variant too.
 */
function escapeBelongsTo(target: EventTarget | null): boolean {
  if (!isTextField(target)) return false;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) return target.value !== '';
  return true;
}

/**
 * The variants of one turn side by side, to pick the one to keep (the others stay in history).
 * Arrow keys move between them (up and down by rows), Home/End to the ends, Enter or Space picks,
 * Escape keeps the first. Variants still being made are placeholders; failed ones say why.
 */
export function VariantPicker({ expected, variants, failed, onPick, width = 1, height = 1, escapeKeepsFirst = true, disabled = false }: Props) {
  const count = Math.max(1, Math.min(4, expected));
  const columns = count === 1 ? 1 : 2;
  const byIndex = new Map(variants.map((v) => [v.index, v]));
  const failedByIndex = new Map(failed.map((f) => [f.index, f.message]));
  const ready = [...variants].filter((v) => v.index < count).sort((a, b) => a.index - b.index);
  const first = ready[0] ?? null;
  const pending = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i) && !failedByIndex.has(i)).length;

  // Roving focus: one variant is the Tab stop, arrows move it.
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const focusTarget = focusIndex !== null && byIndex.has(focusIndex) ? focusIndex : (first?.index ?? null);
  const buttons = useRef(new Map<number, HTMLButtonElement>());
  const titleId = useId();

  const escape = useRef({ first, onPick, disabled });
  escape.current = { first, onPick, disabled };
  useEffect(() => {
    if (!escapeKeepsFirst) return;
    function onKeyDown(event: globalThis.KeyboardEvent) {
      const { first: keep, onPick: pick, disabled: off } = escape.current;
      if (event.key !== 'Escape' || event.defaultPrevented || off || !keep || escapeBelongsTo(event.target)) return;
      event.preventDefault();
      pick(keep.version_id);
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [escapeKeepsFirst]);

  function move(event: KeyboardEvent<HTMLButtonElement>, from: number) {
    const position = ready.findIndex((v) => v.index === from);
    let next: number | null = null;
    switch (event.key) {
      case 'ArrowRight':
        next = position + 1;
        break;
      case 'ArrowLeft':
        next = position - 1;
        break;
      case 'ArrowDown':
        next = nearestInColumn(from, 1);
        break;
      case 'ArrowUp':
        next = nearestInColumn(from, -1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = ready.length - 1;
        break;
      case 'Escape':
        if (escapeKeepsFirst) return; // the window listener keeps the first
        if (first && !disabled) {
          event.preventDefault();
          onPick(first.version_id);
        }
        return;
      default:
        return;
    }
    event.preventDefault();
    if (next === null || next < 0 || next >= ready.length) return;
    const target = ready[next].index;
    setFocusIndex(target);
    buttons.current.get(target)?.focus();
  }

  /** The position in `ready` of the variant a row up or down, if it has arrived. */
  function nearestInColumn(from: number, direction: 1 | -1): number | null {
    const target = from + direction * columns;
    const position = ready.findIndex((v) => v.index === target);
    return position >= 0 ? position : null;
  }

  const style = { '--variant-columns': columns, '--ar-w': width, '--ar-h': height } as CSSProperties;
  return (
    <section className="variant-picker" aria-labelledby={titleId}>
      <h3 id={titleId} className="section-title">
        Pick the one to keep <span className="count">{count}</span>
      </h3>
      <ul className="variant-grid" style={style}>
        {Array.from({ length: count }, (_, index) => {
          const variant = byIndex.get(index);
          const failure = failedByIndex.get(index);
          const label = `Variant ${index + 1} of ${count}`;
          return (
            <li key={index}>
              {variant ? (
                <button
                  ref={(element) => {
                    if (element) buttons.current.set(index, element);
                    else buttons.current.delete(index);
                  }}
                  type="button"
                  className="variant-choice"
                  aria-label={`Keep variant ${index + 1} of ${count}`}
                  tabIndex={index === focusTarget ? 0 : -1}
                  disabled={disabled}
                  onClick={() => onPick(variant.version_id)}
                  onFocus={() => setFocusIndex(index)}
                  onKeyDown={(event) => move(event, index)}
                >
                  <img src={variant.image_url} alt="" />
                  <span className="variant-number" aria-hidden="true">
                    {index + 1}
                  </span>
                </button>
              ) : failure !== undefined ? (
                <div className="variant-failed" role="group" aria-label={`${label}: failed`}>
                  <strong>Variant {index + 1} failed</strong>
                  <span>{failure}</span>
                </div>
              ) : (
                <div className="variant-pending" role="group" aria-label={`${label}: being made`} aria-busy="true">
                  <span className="spinner" aria-hidden="true" />
                  <span>Making variant {index + 1}…</span>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <p className="hint" aria-live="polite">
        {ready.length === 0
          ? pending > 0
            ? 'The variants appear here as they are made.'
            : 'No variant could be made.'
          : `Click one (or use the arrow keys and Enter) to keep it; Escape keeps variant ${first!.index + 1}. The others stay in history.${
              pending > 0 ? ` ${pending} still being made.` : ''
            }`}
      </p>
    </section>
  );
}
