import { useRef, useState, type DragEvent } from 'react';
import { useDeleteReferenceImage, useUploadReferenceImages } from '@/hooks/use-identities';
import { formatBytes } from '@/lib/format';
import { MAX_REFERENCE_IMAGES, type Identity } from '@/types/identities';

const ACCEPT = 'image/png,image/jpeg,image/webp';

export function ReferenceImages({ identity }: { identity: Identity }) {
  const upload = useUploadReferenceImages();
  const remove = useDeleteReferenceImage();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const images = identity.reference_images;
  const full = images.length >= MAX_REFERENCE_IMAGES;

  function send(files: File[]) {
    if (files.length === 0) return;
    // The server validates type, size and count; its message arrives as a toast.
    upload.mutate(
      { identityId: identity.id, files },
      {
        onSettled: () => {
          if (input.current) input.current.value = '';
        },
      },
    );
  }

  function drop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    send(Array.from(event.dataTransfer.files));
  }

  return (
    <section className="card" aria-labelledby="reference-images-title">
      <h2 id="reference-images-title" className="card-title">
        Reference images{' '}
        <span className="count">
          {images.length} / {MAX_REFERENCE_IMAGES}
        </span>
      </h2>
      {images.length === 0 ? (
        <p className="muted">No reference images yet. Generation needs at least one.</p>
      ) : (
        <ul className="reference-grid">
          {images.map((image, index) => (
            <li key={image.id} className="reference-tile">
              <img
                src={image.thumbnail_url}
                alt={`Reference image ${index + 1}`}
                title={image.file_name ?? undefined}
                loading="lazy"
              />
              <span className="reference-meta small">
                {image.width}×{image.height} · {formatBytes(image.size_bytes)}
              </span>
              <button
                type="button"
                className="icon-button reference-remove"
                aria-label={`Remove reference image ${index + 1}`}
                title="Remove"
                disabled={remove.isPending}
                onClick={() => remove.mutate({ identityId: identity.id, imageId: image.id })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div
        className={`dropzone${dragging ? ' dropzone-active' : ''}${full ? ' dropzone-disabled' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <label htmlFor="reference-upload" className="dropzone-label">
          <strong>{upload.isPending ? 'Uploading…' : 'Add reference images'}</strong>
          <span className="muted small">PNG, JPEG or WebP · drop files here or choose them</span>
        </label>
        <input
          ref={input}
          id="reference-upload"
          type="file"
          accept={ACCEPT}
          multiple
          disabled={upload.isPending || full}
          onChange={(e) => send(Array.from(e.target.files ?? []))}
        />
      </div>
    </section>
  );
}
