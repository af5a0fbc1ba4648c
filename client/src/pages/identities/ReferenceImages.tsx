import { useRef, useState, type DragEvent } from 'react';
import { toast } from 'sonner';
import { useDeleteReferenceImage, useUploadReferenceImages } from '@/hooks/use-identities';
import { formatBytes } from '@/lib/format';
import {
  MAX_REFERENCE_IMAGE_BYTES,
  MAX_REFERENCE_IMAGE_PIXELS,
  MAX_REFERENCE_IMAGES,
  REFERENCE_IMAGE_TYPES,
  type Identity,
} from '@/types/identities';

const ACCEPT = REFERENCE_IMAGE_TYPES.join(',');

/** Pixels of an image file, when the browser can tell without sending it (null when it cannot). */
async function pixelsOf(file: File): Promise<number | null> {
  if (typeof createImageBitmap !== 'function') return null;
  try {
    const bitmap = await createImageBitmap(file);
    const pixels = bitmap.width * bitmap.height;
    bitmap.close();
    return pixels;
  } catch {
    return null; // not decodable here: the server decides
  }
}

/**
 * The server's limits, checked before anything is sent (finding 15: a 33 MB file was sent whole
 * before it was refused). Returns what is wrong, one sentence per file, or nothing.
 */
export async function referenceUploadProblems(files: File[], existing: number): Promise<string[]> {
  const problems: string[] = [];
  if (existing + files.length > MAX_REFERENCE_IMAGES) {
    problems.push(
      `An identity may have at most ${MAX_REFERENCE_IMAGES} reference images: ${existing} already, ${files.length} chosen.`,
    );
  }
  for (const file of files) {
    // The type is the server's to judge (it reads the bytes, not the name): only the limits here.
    if (file.size > MAX_REFERENCE_IMAGE_BYTES) {
      problems.push(`${file.name} is ${formatBytes(file.size)}; a reference image may be at most 10 MB.`);
    } else {
      const pixels = await pixelsOf(file);
      if (pixels !== null && pixels > MAX_REFERENCE_IMAGE_PIXELS)
        problems.push(`${file.name} has ${(pixels / 1e6).toFixed(1)} megapixels; a reference image may have at most 40.`);
    }
  }
  return problems;
}

export function ReferenceImages({ identity }: { identity: Identity }) {
  const upload = useUploadReferenceImages();
  const remove = useDeleteReferenceImage();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const images = identity.reference_images;
  const full = images.length >= MAX_REFERENCE_IMAGES;

  async function send(files: File[]) {
    if (files.length === 0) return;
    const problems = await referenceUploadProblems(files, images.length);
    if (problems.length > 0) {
      toast.error(problems.join(' '));
      if (input.current) input.current.value = '';
      return;
    }
    // The server validates type, size and count again; its message arrives as a toast.
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
    void send(Array.from(event.dataTransfer.files));
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
          <span className="muted small" id="reference-upload-limits">
            PNG, JPEG or WebP · at most 10 MB and 40 megapixels each · up to {MAX_REFERENCE_IMAGES} per identity · drop
            files here or choose them
          </span>
        </label>
        <input
          ref={input}
          id="reference-upload"
          type="file"
          accept={ACCEPT}
          multiple
          aria-describedby="reference-upload-limits"
          disabled={upload.isPending || full}
          onChange={(e) => void send(Array.from(e.target.files ?? []))}
        />
      </div>
    </section>
  );
}
