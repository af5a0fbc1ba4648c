import { useEffect, useRef } from 'react';
import type { ImageVersion } from '@/types/imageGeneration';
import { useModelLabel } from '@/hooks/use-image-options';
import { VersionCost, versionDetails } from './VersionCost';

interface Props {
  versions: ImageVersion[];
  currentVersionId: string;
  disabled: boolean;
  onSelect: (versionId: string) => void;
}

/** Every version of the session, oldest first; the current one is marked; click to go back to one. */
export function HistoryStrip({ versions, currentVersionId, disabled, onSelect }: Props) {
  const numberOf = new Map(versions.map((v, i) => [v.id, i + 1]));
  const strip = useRef<HTMLOListElement>(null);
  const modelLabel = useModelLabel();
  // Keep the current version in view as the history grows or the user undoes far back.
  useEffect(() => {
    // Scroll only the strip sideways: scrollIntoView would also scroll the page to the strip.
    const list = strip.current;
    const current = list?.querySelector<HTMLElement>('[aria-current="true"]');
    if (!list || !current) return;
    const left = current.offsetLeft;
    if (left < list.scrollLeft) list.scrollLeft = left;
    else if (left + current.offsetWidth > list.scrollLeft + list.clientWidth)
      list.scrollLeft = left + current.offsetWidth - list.clientWidth;
  }, [currentVersionId, versions.length]);
  return (
    <section className="history" aria-labelledby="history-title">
      <h3 id="history-title" className="section-title">
        History <span className="count">{versions.length}</span>
      </h3>
      <ol className="history-strip" ref={strip}>
        {versions.map((version, index) => {
          const number = index + 1;
          const current = version.id === currentVersionId;
          const parentNumber = version.parent_id ? numberOf.get(version.parent_id) : undefined;
          // An edit whose parent is not the version just before it starts a branch.
          const branch = parentNumber !== undefined && parentNumber !== number - 1;
          const label = `Version ${number}, ${version.kind === 'generate' ? 'generated' : 'edit'}: ${
            version.prompt || 'no prompt'
          }${version.mask_url ? ', a painted area only' : ''}${branch ? ` (from version ${parentNumber})` : ''}${current ? ' (current)' : ''}`;
          const details = versionDetails(version, modelLabel);
          return (
            <li key={version.id}>
              <button
                type="button"
                className="history-item"
                aria-label={details ? `${label}; ${details}` : label}
                aria-current={current ? 'true' : undefined}
                title={`${version.prompt || (version.kind === 'generate' ? 'Generated' : 'Edit')}${details ? `\n${details}` : ''}`}
                // aria-disabled, not disabled: the chosen button keeps focus while the switch runs (finding 7).
                aria-disabled={disabled || undefined}
                onClick={() => !current && !disabled && onSelect(version.id)}
              >
                <img src={version.thumbnail_url} alt="" loading="lazy" />
                {version.mask_url && (
                  <span className="history-mask-badge" aria-hidden="true" title="Edited a painted area only">
                    area
                  </span>
                )}
                <span className="history-caption">
                  v{number}
                  {branch ? ` ↳ v${parentNumber}` : ''}
                </span>
                <VersionCost version={version} />
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
