import { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { toast } from 'sonner';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { useElapsedSeconds, useElapsedSince } from '@/hooks/use-elapsed-seconds';
import { useIdentities } from '@/hooks/use-identities';
import { useImageGeneration } from '@/hooks/use-image-generation';
import { useSessionOwner } from '@/hooks/use-session-owner';
import { useUsers } from '@/hooks/use-users';
import { maskProblem } from '@/lib/mask';
import { showError } from '@/lib/query-client';
import type { CurrentUser } from '@/types/auth';
import { differentShapes, sideBySideSize } from './CompareSlider';
import { ConfirmNewSessionDialog } from './ConfirmNewSessionDialog';
import { EditSection } from './EditSection';
import { GenerateForm } from './GenerateForm';
import { HistoryStrip } from './HistoryStrip';
import { ImageStage, stageSizeFromRatio } from './ImageStage';
import { JobProgressPanel } from './JobProgress';
import { MaskEditor } from './MaskEditor';
import { MaskToolbar } from './MaskToolbar';
import { NoSession, SessionLoadError } from './NoSession';
import { ReferencesChangedNotice } from './ReferencesChangedNotice';
import { SessionDetails } from './SessionDetails';
import { SessionToolbar } from './SessionToolbar';
import { StartFromPhoto } from './StartFromPhoto';
import { useGenerateSettings } from './use-generate-settings';
import { useMaskEditor } from './use-mask-editor';
import { useUndoRedoShortcuts } from './use-undo-redo-shortcuts';
import { VariantPicker } from './VariantPicker';
// The image stage, compare, history and job panel styles; the Library's session view uses them too.
import './images.css';

/**
 * The Images page: the generate form beside the session card (toolbar, image, edit section,
 * history). Whose session is URL state (useSessionOwner), the form's state is useGenerateSettings,
 * the session and its versions are useImageGeneration; this file puts them together.
 */
export function ImagesPage({ user }: { user: CurrentUser }) {
  const { owner, ownerId, setOwnerId } = useSessionOwner(user);
  const identities = useIdentities(user.is_admin);
  const users = useUsers(user.is_admin);
  const navigate = useNavigate();
  const sessionProvider = useRef<string | null>(null);
  const generation = useImageGeneration(owner, {
    // The local engine's refusal names what it did not understand and three close instructions; the
    // whole list is one click away (finding 5).
    showJobError: (error) =>
      error.status === 422 && sessionProvider.current === 'local'
        ? toast.error(error.message, {
            duration: 10_000,
            action: { label: 'See all instructions', onClick: () => navigate('/instructions') },
          })
        : showError(error.message),
  });
  const { session, job, versions, currentVersion, parentVersion, isComparing, variantPicker: picker } = generation;
  sessionProvider.current = session?.provider ?? null;

  const { settings, setSettings, editVariants, setEditVariants } = useGenerateSettings({
    userId: user.id,
    ownerId,
    session,
    identities: identities.data,
  });
  const [confirmingNew, setConfirmingNew] = useState(false);
  const sessionCard = useRef<HTMLElement>(null);

  // A running generate or edit shows its progress panel; a version switch is short and shows a spinner.
  const jobTitle = job ? (job.job.kind === 'generate' ? 'Generating…' : 'Applying edit…') : null;
  // A turn takes up to a minute: the tab says so while the user looks elsewhere.
  useDocumentTitle(jobTitle ? `${jobTitle} · Images` : 'Images');
  const busyLabel = !job && generation.isChangingVersion ? 'Switching version…' : null;
  const elapsed = useElapsedSeconds(busyLabel !== null);
  const jobElapsed = useElapsedSince(job ? (job.job.started_at ?? job.job.created_at) : null);
  const latestDraft = job?.previews.at(-1)?.image_url ?? null;
  const jobPanel = job && jobTitle && (
    <JobProgressPanel
      progress={job}
      title={jobTitle}
      elapsedSeconds={jobElapsed}
      onCancel={generation.cancelJob}
      isCancelling={generation.isCancelling}
    />
  );

  const sessionIdentityId = session?.session_identity_id ?? null;
  const sessionIdentity = identities.data?.find((i) => i.id === sessionIdentityId);
  // The region tool: a mask at the current image's own size (a new size starts a new mask).
  const mask = useMaskEditor({ width: session?.width || 1, height: session?.height || 1, disabled: generation.isBusy || !session || !!picker });
  const regionEdit = mask.active && !!mask.mask && !mask.mask.isEmpty;
  const viewedUser = user.is_admin && ownerId !== user.id ? users.data?.find((u) => u.id === ownerId) : undefined;

  const pickedIdentity = identities.data?.find((i) => i.id === settings.identityId);
  // The picker names another identity than the session's: Generate New is for that one (finding 8).
  const pickerDiffers = !!session && !!sessionIdentityId && !!pickedIdentity && pickedIdentity.id !== sessionIdentityId;
  const identityDeleted = !!session && session.session_identity_id === null;
  const generateBlocked = generateBlockedReason(pickedIdentity);

  /** On a phone the image sits above the form: bring it into view when it is off screen (finding 13). */
  function revealSession() {
    const card = sessionCard.current;
    if (!card || !window.matchMedia?.('(max-width: 900px)').matches) return;
    const { top, bottom } = card.getBoundingClientRect();
    if (top < 0 || bottom > window.innerHeight) card.scrollIntoView?.({ block: 'start' });
  }

  function generate() {
    setConfirmingNew(false);
    if (!settings.identityId) {
      toast.error('Pick an identity first.');
      return;
    }
    generation.generateImage(
      {
        identity_id: settings.identityId,
        additional_prompt: settings.additionalPrompt.trim() || undefined,
        aspect_ratio: settings.aspectRatio,
        resolution: settings.resolution,
        model: settings.model,
        edit_mode: settings.editMode,
        variants: settings.variants,
      },
      { onSuccess: revealSession },
    );
    requestAnimationFrame(revealSession);
  }

  /** Generate and Generate New replace the session: ask first when there is one (finding 3). */
  function requestGenerate() {
    if (generateBlocked || generation.isBusy) return;
    if (session) setConfirmingNew(true);
    else generate();
  }

  function applyEdit(prompt: string, onApplied: () => void) {
    // "undo", "undo that", "go back", "redo": the buttons' moves, not an instruction for the engine (finding 4).
    const command = versionCommand(prompt);
    if (command) {
      const can = command === 'undo' ? session?.can_undo : session?.can_redo;
      if (!can) {
        toast.error(command === 'undo' ? 'Nothing to undo.' : 'Nothing to redo.');
        return;
      }
      (command === 'undo' ? generation.undo : generation.redo)(undefined, { onSuccess: onApplied });
      return;
    }
    if (mask.active && mask.mask) {
      const problem = maskProblem(mask.mask);
      if (problem) {
        toast.error(problem);
        return;
      }
      void mask.mask.toPngBase64().then((maskPngBase64) =>
        generation.editImage(prompt, {
          maskPngBase64,
          variants: editVariants,
          onSuccess: () => {
            mask.clear();
            mask.setActive(false);
            onApplied();
          },
        }),
      );
      return;
    }
    generation.editImage(prompt, { onSuccess: onApplied, variants: editVariants });
  }

  useUndoRedoShortcuts({
    onUndo: () => generation.canUndo && generation.undo(),
    onRedo: () => generation.canRedo && generation.redo(),
  });

  // A turn of several images: the grid fills in while it runs (under the progress), then stands in
  // for the image until one is picked.
  const variantPicker = picker && (
    <VariantPicker
      expected={picker.expected}
      variants={picker.variants}
      failed={picker.failed}
      onPick={generation.pickVariant}
      width={session?.width ?? stageSizeFromRatio(settings.aspectRatio).width}
      height={session?.height ?? stageSizeFromRatio(settings.aspectRatio).height}
      disabled={picker.running || generation.isChangingVersion}
    />
  );

  const compareSizes =
    isComparing && session && parentVersion
      ? { before: { width: parentVersion.width, height: parentVersion.height }, after: { width: session.width, height: session.height } }
      : null;
  const stageSize = !session
    ? stageSizeFromRatio(settings.aspectRatio)
    : compareSizes && differentShapes(compareSizes.before, compareSizes.after) && !job
      ? sideBySideSize(compareSizes.before, compareSizes.after)
      : { width: session.width, height: session.height };

  /** The session card's body: loading, the session, an error, the first image being made, or nothing yet. */
  function sessionBody() {
    if (generation.isLoadingSession) {
      return (
        <div className="stage-skeleton" role="status">
          Loading your session…
        </div>
      );
    }
    if (generation.sessionError && !session) {
      return <SessionLoadError message={generation.sessionError.message} onRetry={() => generation.refetchSession()} />;
    }
    if (!session) {
      if (!generation.isGenerating) return <NoSession isAdmin={user.is_admin} identityCount={identities.data?.length} />;
      return (
        <>
          <ImageStage
            src={null}
            alt=""
            width={stageSize.width}
            height={stageSize.height}
            busyLabel={jobPanel ? null : 'Generating…'}
            elapsedSeconds={elapsed}
            draftSrc={latestDraft}
          >
            {jobPanel}
          </ImageStage>
          {variantPicker}
        </>
      );
    }
    const masking = mask.active && !isComparing;
    return (
      <>
        {session.references_changed && (
          <ReferencesChangedNotice
            identityName={sessionIdentity?.name ?? 'this identity'}
            disabled={generation.isBusy || !!generateBlocked}
            onGenerateNew={requestGenerate}
          />
        )}

        {picker && !picker.running ? (
          variantPicker
        ) : (
          <ImageStage
            src={session.image_url}
            alt={session.last_prompt ? `Current image: ${session.last_prompt}` : 'Current image'}
            width={stageSize.width}
            height={stageSize.height}
            busyLabel={busyLabel}
            elapsedSeconds={elapsed}
            beforeSrc={isComparing ? (parentVersion?.image_url ?? null) : null}
            compareSizes={compareSizes}
            compareMaskSrc={isComparing ? (currentVersion?.mask_url ?? null) : null}
            draftSrc={latestDraft}
            maskLayer={
              masking ? (
                <MaskEditor editor={mask} src={session.image_url} alt={`Paint the area to change on: ${session.last_prompt ?? 'the current image'}`} />
              ) : null
            }
          >
            {jobPanel}
          </ImageStage>
        )}
        {picker?.running && variantPicker}
        {masking && <MaskToolbar editor={mask} />}
        <SessionDetails
          session={session}
          currentVersion={currentVersion}
          identityName={sessionIdentity?.name ?? null}
          identityDeleted={identityDeleted}
        />

        <EditSection
          regionEdit={regionEdit}
          provider={session.provider}
          isBusy={generation.isBusy}
          isEditing={generation.isEditing}
          isGenerating={generation.isGenerating}
          onApplyEdit={applyEdit}
          onGenerateNew={requestGenerate}
          generateBlocked={generateBlocked}
          editBlocked={
            pickerDiffers
              ? {
                  message: DIFFERENT_IDENTITY,
                  detail: `Generate New starts a new session for ${pickedIdentity!.name}.`,
                  action: {
                    label: `Keep editing ${sessionIdentity?.name ?? 'this session'}`,
                    onClick: () => setSettings((s) => ({ ...s, identityId: sessionIdentityId! })),
                  },
                }
              : identityDeleted && session.provider !== 'local'
                ? { message: IDENTITY_DELETED_EDITS, detail: null, action: null }
                : null
          }
          note={identityDeleted && session.provider === 'local' ? IDENTITY_DELETED_LOCAL : null}
          variants={{ value: editVariants, onChange: setEditVariants }}
        />

        {versions.length > 0 && (
          <HistoryStrip
            versions={versions}
            currentVersionId={session.version_id}
            disabled={generation.isBusy}
            onSelect={(id) => generation.selectVersion(id)}
          />
        )}
        {confirmingNew && (
          <ConfirmNewSessionDialog
            identityName={pickedIdentity?.name ?? 'the chosen identity'}
            currentIdentityName={sessionIdentity?.name ?? 'a deleted identity'}
            versionCount={versions.length || 1}
            onConfirm={generate}
            onCancel={() => setConfirmingNew(false)}
          />
        )}
      </>
    );
  }

  return (
    <div className="page">
      <header className="page-header">
        <h1>Images</h1>
        <p className="muted">Generate an image of an identity, then refine it one instruction at a time.</p>
      </header>

      <div className="images-layout">
        <aside>
          <GenerateForm
            settings={settings}
            onChange={setSettings}
            onGenerate={requestGenerate}
            generateBlocked={generateBlocked}
            sessionIdentityName={pickerDiffers ? (sessionIdentity?.name ?? null) : null}
            identities={identities.data}
            identitiesLoading={identities.isPending}
            isBusy={generation.isBusy}
            isGenerating={generation.isGenerating}
            userPicker={
              user.is_admin
                ? {
                    users: users.data,
                    ownerId,
                    currentUserId: user.id,
                    onSelect: (id) => {
                      generation.stopComparing();
                      setOwnerId(id);
                    },
                  }
                : undefined
            }
          />
          <StartFromPhoto owner={owner} identity={pickedIdentity} disabled={generation.isBusy} />
        </aside>

        <section className="card session" aria-labelledby="session-title" ref={sessionCard}>
          <p className="visually-hidden" aria-live="polite">
            {session && !generation.isBusy
              ? `Showing version ${generation.currentVersionNumber ?? ''} of ${versions.length || 1}.`
              : ''}
          </p>
          <div className="session-header">
            <h2 id="session-title" className="card-title">
              Current image
              {viewedUser && (
                <span className="badge badge-other-user" title="An admin working on another user's session">
                  {viewedUser.email}
                </span>
              )}
            </h2>
            {session && (
              <SessionToolbar
                session={session}
                canUndo={generation.canUndo}
                canRedo={generation.canRedo}
                onUndo={() => generation.undo()}
                onRedo={() => generation.redo()}
                parentVersion={parentVersion}
                isComparing={isComparing}
                onToggleCompare={generation.toggleCompare}
                download={{ identityName: sessionIdentity?.name, versionNumber: generation.currentVersionNumber, version: currentVersion }}
                mask={mask}
              />
            )}
          </div>

          {sessionBody()}
        </section>
      </div>
    </div>
  );
}

/** Why Generate cannot run for the picked identity, or null. */
function generateBlockedReason(identity: { name: string; reference_images: unknown[] } | undefined): string | null {
  if (!identity) return 'Pick an identity first.';
  if (identity.reference_images.length === 0) return `${identity.name} has no reference images yet.`;
  return null;
}

/** The plan's message for an edit of a session whose identity is not the picked one. */
export const DIFFERENT_IDENTITY = 'Current session is for a different identity. Generate a new image to start editing.';
const IDENTITY_DELETED_EDITS =
  "This session's identity was deleted, and edits need its reference images. Undo, redo, compare and download still work; generate a new image to edit again.";
const IDENTITY_DELETED_LOCAL =
  "This session's identity was deleted. Its images stay: the local engine edits from the current image alone, so edits, undo, redo, compare and download all still work.";

/** "undo", "undo that", "go back", "redo" (what the server's edit endpoints answer as Undo and Redo too). */
export function versionCommand(prompt: string): 'undo' | 'redo' | null {
  const text = prompt.trim().toLowerCase().replace(/[.!]+$/, '').replace(/\s+/g, ' ');
  const match =
    /^(?:please )?(?:(undo|go back|revert|step back)(?: (?:that|it|this|the last (?:edit|change|step)|last (?:edit|change|step)))?|(redo)(?: (?:that|it|this))?)(?: please)?$/.exec(
      text,
    );
  if (!match) return null;
  return match[2] ? 'redo' : 'undo';
}
