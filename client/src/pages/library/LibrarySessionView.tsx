import { useEffect, useRef, useState } from 'react';
import { toast } from 'sonner';
import { useLibrarySession } from '@/hooks/use-library';
import type { SessionOwner } from '@/api/imageGeneration';
import { fetchPng, imageFileName, saveBlob } from '@/lib/download';
import { ratioParts } from '@/lib/format';
import type { ImageVersion } from '@/types/imageGeneration';
import type { LibrarySession } from '@/types/library';
import { CompareSlider } from '../images/CompareSlider';
import { formatDate, identityLabel } from './Library';
import { ReopenButton } from './ReopenButton';

const KIND_LABEL: Record<ImageVersion['kind'], string> = { generate: 'Generated', edit: 'Edit', upload: 'Your photo' };

/** One library session, read-only: its versions, one at a time or two compared, each downloadable. */
export function LibrarySessionView({
  owner,
  session,
  onClose,
}: {
  owner: SessionOwner;
  session: LibrarySession;
  onClose: () => void;
}) {
  const history = useLibrarySession(owner, session.id);
  const versions = history.data?.versions ?? [];
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [compareId, setCompareId] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const name = identityLabel(session);

  useEffect(() => heading.current?.focus(), []);

  const selected = versions.find((v) => v.id === selectedId) ?? versions.find((v) => v.is_current) ?? versions.at(-1);
  const other = compareId ? versions.find((v) => v.id === compareId) : undefined;
  const number = (v: ImageVersion) => versions.indexOf(v) + 1;
  // Compared, the older version is always "before", whichever of the two is selected.
  const pair = selected && other && other.id !== selected.id ? [selected, other].sort((a, b) => number(a) - number(b)) : null;
  const [w, h] = ratioParts(selected ? `${selected.width}:${selected.height}` : session.aspect_ratio);

  async function download(version: ImageVersion) {
    setDownloading(true);
    try {
      const blob = await fetchPng(version.image_url);
      saveBlob(blob, imageFileName({ identityName: name, versionNumber: number(version), kind: version.kind, createdAt: version.created_at }));
    } catch (error) {
      toast.error((error as Error).message);
    } finally {
      setDownloading(false);
    }
  }

  return (
    <section className="card library-session" aria-labelledby="library-session-title">
      <div className="library-session-header">
        <button type="button" className="button button-ghost button-small" onClick={onClose}>
          ← Back to the library
        </button>
        <h2 id="library-session-title" className="card-title" tabIndex={-1} ref={heading}>
          {name} <span className="count">
            {session.version_count} {session.version_count === 1 ? 'version' : 'versions'}
          </span>
        </h2>
        <p className="muted small">
          Started {formatDate(session.created_at)} · replaced {formatDate(session.archived_at)}. Read-only: reopen it
          to edit.
        </p>
      </div>

      {history.isPending ? (
        <p className="muted" role="status">
          Loading versions…
        </p>
      ) : history.isError ? (
        <p role="alert">{history.error.message}</p>
      ) : selected ? (
        <>
          <div className="library-stage-frame" style={{ '--ar-w': w, '--ar-h': h } as React.CSSProperties}>
            <div className="library-stage">
              {pair ? (
                <CompareSlider
                  beforeSrc={pair[0].image_url}
                  afterSrc={pair[1].image_url}
                  alt={`${name}, version ${number(pair[0])} and version ${number(pair[1])}`}
                />
              ) : (
                <img
                  className="stage-image"
                  src={selected.image_url}
                  alt={`${name}, version ${number(selected)} (${KIND_LABEL[selected.kind]})`}
                  data-testid="library-image"
                />
              )}
            </div>
          </div>
          <p className="library-prompt">
            <strong>
              Version {number(selected)} · {KIND_LABEL[selected.kind]}
            </strong>{' '}
            <span className="muted">
              {selected.width}×{selected.height}
              {selected.prompt ? ` · ${selected.prompt}` : ''}
            </span>
          </p>
          <div className="row">
            <button type="button" className="button" disabled={downloading} onClick={() => download(selected)}>
              {downloading ? 'Downloading…' : `Download version ${number(selected)}`}
            </button>
            <label className="library-compare">
              <span>Compare with</span>
              <select value={compareId ?? ''} onChange={(e) => setCompareId(e.target.value || null)}>
                <option value="">(no comparison)</option>
                {versions
                  .filter((v) => v.id !== selected.id)
                  .map((v) => (
                    <option key={v.id} value={v.id}>
                      Version {number(v)} ({KIND_LABEL[v.kind]})
                    </option>
                  ))}
              </select>
            </label>
            <ReopenButton owner={owner} session={session} />
          </div>
          <ol className="history-strip library-versions" aria-label="Versions">
            {versions.map((v) => (
              <li key={v.id}>
                <button
                  type="button"
                  className="history-item"
                  aria-current={v.id === selected.id}
                  aria-label={`Version ${number(v)}: ${KIND_LABEL[v.kind]}${v.prompt ? `, ${v.prompt}` : ''}`}
                  onClick={() => setSelectedId(v.id)}
                >
                  <img src={v.thumbnail_url} alt="" loading="lazy" />
                  <span className="history-caption">v{number(v)}</span>
                </button>
              </li>
            ))}
          </ol>
        </>
      ) : (
        <p className="muted">This session has no versions.</p>
      )}
    </section>
  );
}
