// Model, aspect ratio, resolution and edit mode for a new session, restricted to what the server's
// catalogue (`GET /api/v1/image-options`) allows: only its models, only the chosen model's ratios
// and sizes, only the modes it offers. Without a catalogue (an older server) it falls back to the
// plan's ratios and sizes and sends no model.
import { useEffect, useRef } from 'react';
import { modelOrDefault, useImageOptions } from '@/hooks/use-image-options';
import { formatUsd } from '@/lib/format';
import {
  ASPECT_RATIOS,
  RESOLUTIONS,
  type AspectRatio,
  type EditMode,
  type Resolution,
} from '@/types/imageGeneration';
import type { ImageOptions } from '@/types/imageOptions';

export interface ModelChoice {
  /** A model id of the catalogue; undefined until the catalogue is known (the server then uses its default). */
  model?: string;
  aspectRatio: AspectRatio;
  resolution: Resolution;
  editMode?: EditMode;
}

const EDIT_MODE_WORDS: Record<EditMode, string> = {
  chat: 'Chat (the model sees earlier turns)',
  single: 'Single turn',
};

function pick<T>(allowed: readonly T[], wanted: T | undefined, preferred: T): T | undefined {
  if (wanted !== undefined && allowed.includes(wanted)) return wanted;
  return allowed.includes(preferred) ? preferred : allowed[0];
}

/**
 * The choice made valid for the catalogue: a model it lists (its default otherwise), a ratio and
 * size that model takes (16:9 and 1K when the current ones are not), a mode the server offers.
 */
export function fitChoice(options: ImageOptions, choice: ModelChoice): ModelChoice {
  const model = modelOrDefault(options, choice.model);
  if (!model) return choice;
  return {
    model: model.id,
    aspectRatio: pick(model.aspect_ratios, choice.aspectRatio, '16:9') ?? choice.aspectRatio,
    resolution: pick(model.resolutions, choice.resolution, '1K') ?? choice.resolution,
    editMode: pick(options.edit_modes, choice.editMode, options.default_edit_mode) ?? choice.editMode,
  };
}

function sameChoice(a: ModelChoice, b: ModelChoice) {
  return a.model === b.model && a.aspectRatio === b.aspectRatio && a.resolution === b.resolution && a.editMode === b.editMode;
}

interface Props {
  value: ModelChoice;
  onChange: (choice: ModelChoice) => void;
  disabled?: boolean;
}

export function ModelPicker({ value, onChange, disabled = false }: Props) {
  const { data: options } = useImageOptions();
  const fitted = options ? fitChoice(options, value) : value;
  const model = options ? modelOrDefault(options, fitted.model) : undefined;

  // Once the catalogue is known (or the session restored a choice it does not allow), the form's
  // value becomes what is on screen, so Generate sends exactly that.
  const needsFit = !sameChoice(fitted, value);
  const latest = useRef({ fitted, onChange });
  latest.current = { fitted, onChange };
  const fitKey = needsFit ? `${fitted.model}|${fitted.aspectRatio}|${fitted.resolution}|${fitted.editMode}` : null;
  useEffect(() => {
    if (fitKey !== null) latest.current.onChange(latest.current.fitted);
  }, [fitKey]);

  const set = (change: Partial<ModelChoice>) => onChange(options ? fitChoice(options, { ...fitted, ...change }) : { ...fitted, ...change });
  const aspectRatios: readonly AspectRatio[] = model?.aspect_ratios ?? ASPECT_RATIOS;
  const resolutions: readonly Resolution[] = model?.resolutions ?? RESOLUTIONS;
  const price = model?.price_per_image_usd?.[fitted.resolution];
  const editModes = options?.edit_modes ?? [];

  return (
    <div className="model-picker">
      {options && options.models.length > 0 && (
        <div className="field">
          <label htmlFor="image-model">Model</label>
          <select
            id="image-model"
            value={fitted.model}
            onChange={(e) => set({ model: e.target.value })}
            disabled={disabled}
            aria-describedby={price !== undefined ? 'model-price' : undefined}
          >
            {options.models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
      )}

      <div className="field-row">
        <div className="field">
          <label htmlFor="aspect-ratio">Aspect ratio</label>
          <select
            id="aspect-ratio"
            value={fitted.aspectRatio}
            onChange={(e) => set({ aspectRatio: e.target.value as AspectRatio })}
            disabled={disabled}
          >
            {aspectRatios.map((ratio) => (
              <option key={ratio} value={ratio}>
                {ratio}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="resolution">Resolution</label>
          <select
            id="resolution"
            value={fitted.resolution}
            onChange={(e) => set({ resolution: e.target.value as Resolution })}
            disabled={disabled}
          >
            {resolutions.map((resolution) => (
              <option key={resolution} value={resolution}>
                {resolution}
              </option>
            ))}
          </select>
        </div>
      </div>

      {price !== undefined && (
        <p id="model-price" className="hint model-price">
          About {formatUsd(price)} per image at {fitted.resolution} (an estimate; each edit makes a new image).
        </p>
      )}

      {editModes.length > 1 && (
        <fieldset className="field edit-mode" disabled={disabled}>
          <legend>Edit mode</legend>
          {editModes.map((mode) => (
            <label key={mode} className="radio">
              <input
                type="radio"
                name="edit-mode"
                value={mode}
                checked={fitted.editMode === mode}
                onChange={() => set({ editMode: mode })}
              />
              {EDIT_MODE_WORDS[mode] ?? mode}
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}
