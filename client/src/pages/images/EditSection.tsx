import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { providerLabel } from '@/lib/format';
import { VariantCountSelect } from './VariantCountSelect';

// A few of the instructions the local engine understands (the whole vocabulary is the
// Instructions page, served by the server from its parser's list); several chain with commas.
export const LOCAL_ENGINE_EXAMPLES = [
  'make it black and white',
  'sepia',
  'rotate 90',
  'mirror',
  'brighter',
  'more contrast',
  'warmer',
  'blur',
  'zoom in',
  'add a red border',
  'make the background blue',
  'add text "Hello"',
];

interface Props {
  provider: string;
  isBusy: boolean;
  isEditing: boolean;
  isGenerating: boolean;
  onApplyEdit: (prompt: string, onApplied: () => void) => void;
  onGenerateNew: () => void;
  /** Why Generate New cannot run for the picked identity (no references), or null. */
  generateBlocked?: string | null;
  /** Why edits cannot be applied now (the picker names another identity; the identity was deleted), or null. */
  editBlocked?: { message: string; detail: string | null; action: { label: string; onClick: () => void } | null } | null;
  /** Something true about this session the user should know before editing, or null. */
  note?: string | null;
  /** A mask is painted: the edit changes only that area. */
  regionEdit?: boolean;
  /** How many images an edit makes (1–4), and its control; absent: one, no control. */
  variants?: { value: number; onChange: (count: number) => void };
}

/** The plan's edit section: "Edit this image:", a text input, Apply Edit and Generate New. */
export function EditSection({
  provider,
  isBusy,
  isEditing,
  isGenerating,
  onApplyEdit,
  onGenerateNew,
  generateBlocked = null,
  editBlocked = null,
  note = null,
  regionEdit = false,
  variants,
}: Props) {
  const [prompt, setPrompt] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const trimmed = prompt.trim();

  function submit(event: FormEvent) {
    event.preventDefault(); // Enter in the input applies the edit
    if (!trimmed || isBusy || editBlocked) return;
    onApplyEdit(trimmed, () => {
      setPrompt('');
      // While the edit ran, focus was on the progress panel's Cancel (or dropped with the disabled
      // Apply Edit): bring it back to the input so the next instruction can be typed straight away.
      const active = document.activeElement;
      if (!active || active === document.body || active.closest('.edit-section, .job-panel')) input.current?.focus();
    });
  }

  return (
    <form className="edit-section" onSubmit={submit} aria-label="Edit this image">
      <label htmlFor="edit-prompt" className="edit-label">
        {regionEdit ? 'Edit the painted area:' : 'Edit this image:'}
      </label>
      <input
        ref={input}
        id="edit-prompt"
        type="text"
        value={prompt}
        onChange={(e) => setPrompt(e.target.value)}
        placeholder="e.g. make it black and white"
        autoComplete="off"
        aria-describedby="edit-hint"
        readOnly={isBusy}
        data-image-undo-when-empty=""
      />
      <div className="row">
        <button type="submit" className="button button-primary" disabled={isBusy || !trimmed || !!editBlocked}>
          {isEditing ? 'Applying…' : 'Apply Edit'}
        </button>
        <button
          type="button"
          className="button"
          disabled={isBusy || !!generateBlocked}
          title={generateBlocked ?? undefined}
          onClick={onGenerateNew}
        >
          {isGenerating ? 'Generating…' : 'Generate New'}
        </button>
      </div>
      {variants && (
        <VariantCountSelect label="Images per edit" value={variants.value} onChange={variants.onChange} disabled={isBusy} />
      )}
      {editBlocked && (
        <div className="notice notice-inline" role="status">
          <p>
            <strong>{editBlocked.message}</strong>
            {editBlocked.detail && <> {editBlocked.detail}</>}
          </p>
          {editBlocked.action && (
            <button type="button" className="button button-small" onClick={editBlocked.action.onClick}>
              {editBlocked.action.label}
            </button>
          )}
        </div>
      )}
      {note && <p className="hint">{note}</p>}
      {generateBlocked && !editBlocked && <p className="hint hint-warning">{generateBlocked} Generate New needs reference images.</p>}
      <div id="edit-hint" className="hint">
        {provider === 'local' ? (
          <>
            Images come from the <strong>local engine</strong>, an offline renderer that understands simple
            instructions, alone or chained (“sepia, then rotate 90”). Try:{' '}
            <span className="chips">
              {LOCAL_ENGINE_EXAMPLES.map((example) => (
                <button
                  key={example}
                  type="button"
                  className="chip"
                  disabled={isBusy}
                  onClick={() => {
                    setPrompt(example);
                    input.current?.focus();
                  }}
                >
                  {example}
                </button>
              ))}
            </span>{' '}
            <Link to="/instructions">See all instructions</Link>
          </>
        ) : (
          <>Each edit changes the current image and keeps the rest. Made by {providerLabel(provider)}.</>
        )}
      </div>
    </form>
  );
}
