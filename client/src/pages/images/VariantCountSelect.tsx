import { useId } from 'react';

export const VARIANT_COUNTS = [1, 2, 3, 4] as const;

/** What N variants cost, said before sending: each one is a call to the model. */
export function variantCostHint(count: number): string | null {
  return count > 1 ? `Makes ${count} images: about ${count}× the cost of one.` : null;
}

interface Props {
  value: number;
  onChange: (count: number) => void;
  disabled?: boolean;
  label?: string;
}

/** How many variants a generate or edit makes (1–4), with the cost when more than one. */
export function VariantCountSelect({ value, onChange, disabled = false, label = 'Images per turn' }: Props) {
  const id = useId();
  const hint = variantCostHint(value);
  return (
    <div className="field variant-count">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => onChange(Number(event.target.value))}
      >
        {VARIANT_COUNTS.map((count) => (
          <option key={count} value={count}>
            {count}
          </option>
        ))}
      </select>
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}
