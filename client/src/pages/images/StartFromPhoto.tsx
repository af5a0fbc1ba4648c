import { useId, useRef, useState, type FormEvent } from 'react';
import { useStartFromUpload } from '@/hooks/use-library';
import type { SessionOwner } from '@/api/imageGeneration';
import { formatBytes } from '@/lib/format';
import type { Identity } from '@/types/identities';
import './start-from-photo.css';

const ACCEPTED = ['image/png', 'image/jpeg', 'image/webp'];
const MAX_BYTES = 10 * 1024 * 1024;

/**
 * "Start from your photo": the user's own PNG, JPEG or WebP becomes version 1 of a new session for the
 * chosen identity (the same limits as reference images), and edits go on from it. Like Generate New,
 * the current session goes to the library.
 */
export function StartFromPhoto({
  owner,
  identity,
  disabled = false,
}: {
  owner: SessionOwner;
  identity: Identity | undefined;
  disabled?: boolean;
}) {
  const start = useStartFromUpload(owner);
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const hasReferences = (identity?.reference_images.length ?? 0) > 0;

  function choose(chosen: File | null) {
    setFile(null);
    setProblem(null);
    if (!chosen) return;
    // Checked here too, so a large file is refused before it is sent.
    if (!ACCEPTED.includes(chosen.type)) setProblem(`“${chosen.name}” is not a PNG, JPEG or WebP image.`);
    else if (chosen.size > MAX_BYTES) setProblem(`“${chosen.name}” is ${formatBytes(chosen.size)}; a photo may be at most 10 MB.`);
    else setFile(chosen);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!file || !identity) return;
    start.mutate(
      { identityId: identity.id, image: file },
      {
        onSuccess: () => {
          setFile(null);
          if (input.current) input.current.value = '';
        },
      },
    );
  }

  return (
    <details className="card start-from-photo">
      <summary className="card-title">Start from your photo</summary>
      <form onSubmit={submit} aria-label="Start from your photo">
        <p className="muted small" id={`${id}-hint`}>
          PNG, JPEG or WebP, up to 10 MB and 40 megapixels. It becomes version 1 of a new session
          {identity ? ` for ${identity.name}` : ''}, and you edit it as you would a generated image. Your current
          session goes to the library.
        </p>
        <div className="field">
          <label htmlFor={`${id}-file`}>Photo</label>
          <input
            ref={input}
            id={`${id}-file`}
            type="file"
            accept={ACCEPTED.join(',')}
            aria-describedby={`${id}-hint`}
            onChange={(e) => choose(e.target.files?.[0] ?? null)}
          />
        </div>
        {problem && (
          <p className="field-error" role="alert">
            {problem}
          </p>
        )}
        {identity && !hasReferences && (
          <p className="muted small">{identity.name} has no reference images yet: add some on the Identities page first.</p>
        )}
        <button
          type="submit"
          className="button button-block"
          disabled={disabled || start.isPending || !file || !identity || !hasReferences}
        >
          {start.isPending ? 'Uploading…' : 'Start from this photo'}
        </button>
      </form>
    </details>
  );
}
