import { toast } from 'sonner';
import { fetchPng, imageFileName, saveBlob } from '@/lib/download';
import type { ActiveImageSession, ImageVersion } from '@/types/imageGeneration';
import type { MaskEditorController } from './use-mask-editor';

interface Props {
  session: ActiveImageSession;
  canUndo: boolean;
  canRedo: boolean;
  onUndo: () => void;
  onRedo: () => void;
  /** The version Compare shows the current one against; none for the first. */
  parentVersion: ImageVersion | undefined;
  isComparing: boolean;
  onToggleCompare: () => void;
  /** What the downloaded file is named after. */
  download: { identityName: string | undefined; versionNumber: number | null; version: ImageVersion | undefined };
  mask: MaskEditorController;
}

/** The session's actions: Undo, Redo, Compare, Download PNG and the region tool. */
export function SessionToolbar({ session, canUndo, canRedo, onUndo, onRedo, parentVersion, isComparing, onToggleCompare, download, mask }: Props) {
  async function downloadPng() {
    try {
      const blob = await fetchPng(session.image_url);
      saveBlob(
        blob,
        imageFileName({
          identityName: download.identityName,
          versionNumber: download.versionNumber,
          kind: download.version?.kind,
          createdAt: download.version?.created_at,
        }),
      );
    } catch (error) {
      toast.error(error instanceof Error ? error.message : 'Could not download the image.');
    }
  }

  return (
    <div className="toolbar" role="toolbar" aria-label="Image actions">
      <button
        type="button"
        className="button button-small"
        onClick={() => canUndo && onUndo()}
        disabled={!session.can_undo}
        aria-disabled={!canUndo || undefined}
        aria-keyshortcuts="Control+Z"
        title="Undo (Ctrl+Z)"
      >
        ↶ Undo
      </button>
      <button
        type="button"
        className="button button-small"
        onClick={() => canRedo && onRedo()}
        disabled={!session.can_redo}
        aria-disabled={!canRedo || undefined}
        aria-keyshortcuts="Control+Shift+Z"
        title="Redo (Ctrl+Shift+Z)"
      >
        ↷ Redo
      </button>
      <button
        type="button"
        className="button button-small"
        aria-pressed={isComparing}
        onClick={onToggleCompare}
        disabled={!parentVersion}
        title={parentVersion ? 'Compare with the version it was made from (Esc to leave)' : 'The first version has nothing to compare with'}
      >
        Compare
      </button>
      <button type="button" className="button button-small" onClick={downloadPng}>
        Download PNG
      </button>
      {!mask.active && (
        <button
          type="button"
          className="button button-small"
          aria-pressed={false}
          aria-keyshortcuts="M"
          disabled={mask.disabled || isComparing}
          onClick={() => mask.setActive(true)}
          title="Paint the area an edit may change (M)"
        >
          Paint a mask
        </button>
      )}
    </div>
  );
}
