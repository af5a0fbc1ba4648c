import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { toast } from 'sonner';
import { useElapsedSeconds, useElapsedSince } from '@/hooks/use-elapsed-seconds';
import { useIdentities } from '@/hooks/use-identities';
import { useImageGeneration } from '@/hooks/use-image-generation';
import { useSessionOwner } from '@/hooks/use-session-owner';
import { useUsers } from '@/hooks/use-users';
import { fetchPng, imageFileName, saveBlob } from '@/lib/download';
import { showError } from '@/lib/query-client';
import { formatDuration, formatRelative, providerLabel, ratioLabel } from '@/lib/format';
import type { CurrentUser } from '@/types/auth';
import { ConfirmNewSessionDialog } from './ConfirmNewSessionDialog';
import { EditSection } from './EditSection';
import { GenerateForm, type GenerateSettings } from './GenerateForm';
import { HistoryStrip } from './HistoryStrip';
import { differentShapes, sideBySideSize } from './CompareSlider';
import { StartFromPhoto } from './StartFromPhoto';
import { ImageStage, stageSizeFromRatio } from './ImageStage';
import { JobProgressPanel } from './JobProgress';
import { MaskEditor } from './MaskEditor';
import { MaskToolbar } from './MaskToolbar';
import { useMaskEditor } from './use-mask-editor';
import { maskProblem } from '@/lib/mask';
import { ReferencesChangedNotice } from './ReferencesChangedNotice';
import { SessionCost } from './SessionCost';
import { useUndoRedoShortcuts } from './use-undo-redo-shortcuts';
import { VariantPicker } from './VariantPicker';
import { useDocumentTitle } from '@/hooks/use-document-title';

const DEFAULT_SETTINGS: GenerateSettings = {
  identityId: '',
  additionalPrompt: '',
  aspectRatio: '16:9',
  resolution: '1K', // the server defaults to 4K; 1K keeps the UI quick
  variants: 1,
};

export function ImagesPage({ user }: { user: CurrentUser }) {
  const { owner, ownerId, setOwnerId } = useSessionOwner(user);

  const identities = useIdentities(user.is_admin);
  const users = useUsers(user.is_admin);
  const navigate = useNavigate();
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
  const { session, history } = generation;
  const sessionProvider = useRef<string | null>(null);
  sessionProvider.current = session?.provider ?? null;

  const [settings, setSettings] = useState<GenerateSettings>(() => ({
    ...DEFAULT_SETTINGS,
    additionalPrompt: readDraft(user.id, ownerId),
  }));
  const [comparing, setComparing] = useState(false);
  const [editVariants, setEditVariants] = useState(1);
  const [confirmingNew, setConfirmingNew] = useState(false);
  const sessionCard = useRef<HTMLElement>(null);

  // Restore the form from the session the server has (after a reload, or a user switch),
  // once per session, so the next Generate New starts from where the user was.
  const syncedSession = useRef<string | null>(null);
  useEffect(() => {
    if (!session || syncedSession.current === session.session_id) return;
    syncedSession.current = session.session_id;
    setSettings((s) => ({
      ...s,
      identityId: session.session_identity_id ?? s.identityId,
      aspectRatio: session.aspect_ratio ?? s.aspectRatio,
      resolution: session.resolution ?? s.resolution,
      model: session.model ?? s.model,
      editMode: session.edit_mode ?? s.editMode,
    }));
  }, [session]);

  // An admin switching users: the additional prompt is the one typed for that user's session.
  const draftOwner = useRef(ownerId);
  useEffect(() => {
    if (draftOwner.current === ownerId) return;
    draftOwner.current = ownerId;
    const draft = readDraft(user.id, ownerId);
    setSettings((s) => ({ ...s, additionalPrompt: draft }));
  }, [user.id, ownerId]);
  // The additional prompt survives a reload (the session keeps only the whole prompt it built from it).
  useEffect(() => writeDraft(user.id, ownerId, settings.additionalPrompt), [user.id, ownerId, settings.additionalPrompt]);

  // Until the picker names a known identity: the session's, else the first. Both effects run in one
  // commit when the page is opened again with everything cached, so this one must read the state
  // the restore above just set (a functional update), never the value it closed over.
  const sessionIdentityId = session?.session_identity_id ?? null;
  useEffect(() => {
    const list = identities.data;
    if (!list?.length) return;
    setSettings((s) => {
      if (list.some((i) => i.id === s.identityId)) return s;
      const fallback = list.find((i) => i.id === sessionIdentityId) ?? list[0];
      return { ...s, identityId: fallback.id };
    });
  }, [identities.data, sessionIdentityId]);

  // A running generate or edit shows its progress panel; a version switch is short and shows a spinner.
  const { job } = generation;
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

  const versions = history?.versions ?? [];
  const currentIndex = session ? versions.findIndex((v) => v.id === session.version_id) : -1;
  const currentVersion = currentIndex >= 0 ? versions[currentIndex] : undefined;
  const parentVersion = currentVersion?.parent_id ? versions.find((v) => v.id === currentVersion.parent_id) : undefined;
  const sessionIdentity = identities.data?.find((i) => i.id === session?.session_identity_id);
  const showCompare = comparing && !!parentVersion;
  // The region tool: a mask at the current image's own size (a new size starts a new mask).
  const picker = generation.variantPicker;
  const mask = useMaskEditor({ width: session?.width || 1, height: session?.height || 1, disabled: generation.isBusy || !session || !!picker });
  const regionEdit = mask.active && !!mask.mask && !mask.mask.isEmpty;
  const viewedUser = user.is_admin && ownerId !== user.id ? users.data?.find((u) => u.id === ownerId) : undefined;

  const pickedIdentity = identities.data?.find((i) => i.id === settings.identityId);
  // The picker names another identity than the session's: Generate New is for that one (finding 8).
  const pickerDiffers = !!session && !!sessionIdentityId && !!pickedIdentity && pickedIdentity.id !== sessionIdentityId;
  const identityDeleted = !!session && session.session_identity_id === null;
  const noReferences = !!pickedIdentity && pickedIdentity.reference_images.length === 0;
  const generateBlocked = !pickedIdentity
    ? 'Pick an identity first.'
    : noReferences
      ? `${pickedIdentity.name} has no reference images yet.`
      : null;

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
    setComparing(false);
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
    if (command === 'undo' || command === 'redo') {
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
      const painted = mask.mask;
      void painted.toPngBase64().then((maskPngBase64) =>
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

  // Escape leaves the before/after comparison.
  useEffect(() => {
    if (!comparing) return;
    const onKeyDown = (event: KeyboardEvent) => event.key === 'Escape' && setComparing(false);
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [comparing]);

  const canUndo = !!session?.can_undo && !generation.isBusy;
  const canRedo = !!session?.can_redo && !generation.isBusy;
  useUndoRedoShortcuts({
    onUndo: () => canUndo && generation.undo(),
    onRedo: () => canRedo && generation.redo(),
  });

  async function download() {
    if (!session) return;
    try {
      const blob = await fetchPng(session.image_url);
      saveBlob(
        blob,
        imageFileName({
          identityName: sessionIdentity?.name,
          versionNumber: currentIndex >= 0 ? currentIndex + 1 : null,
          kind: currentVersion?.kind,
          createdAt: currentVersion?.created_at,
        }),
      );
    } catch (error) {
      toast.error(error instanceof Error ? error.message : 'Could not download the image.');
    }
  }

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
    showCompare && session
      ? { before: { width: parentVersion!.width, height: parentVersion!.height }, after: { width: session.width, height: session.height } }
      : null;
  const stageSize = session
    ? compareSizes && differentShapes(compareSizes.before, compareSizes.after) && !job
      ? sideBySideSize(compareSizes.before, compareSizes.after)
      : { width: session.width, height: session.height }
    : stageSizeFromRatio(settings.aspectRatio);

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
                      setComparing(false);
                      setOwnerId(id);
                    },
                  }
                : undefined
            }
          />
          <StartFromPhoto owner={owner} identity={identities.data?.find((i) => i.id === settings.identityId)} disabled={generation.isBusy} />
        </aside>

        <section className="card session" aria-labelledby="session-title" ref={sessionCard}>
          <p className="visually-hidden" aria-live="polite">
            {session && !generation.isBusy
              ? `Showing version ${currentIndex >= 0 ? currentIndex + 1 : ''} of ${versions.length || 1}.`
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
              <div className="toolbar" role="toolbar" aria-label="Image actions">
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => canUndo && generation.undo()}
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
                  onClick={() => canRedo && generation.redo()}
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
                  aria-pressed={showCompare}
                  onClick={() => setComparing((c) => !c)}
                  disabled={!parentVersion}
                  title={
                    parentVersion
                      ? 'Compare with the version it was made from (Esc to leave)'
                      : 'The first version has nothing to compare with'
                  }
                >
                  Compare
                </button>
                <button type="button" className="button button-small" onClick={download}>
                  Download PNG
                </button>
                {!mask.active && (
                  <button
                    type="button"
                    className="button button-small"
                    aria-pressed={false}
                    aria-keyshortcuts="M"
                    disabled={mask.disabled || showCompare}
                    onClick={() => mask.setActive(true)}
                    title="Paint the area an edit may change (M)"
                  >
                    Paint a mask
                  </button>
                )}
              </div>
            )}
          </div>

          {generation.isLoadingSession ? (
            <div className="stage-skeleton" role="status">
              Loading your session…
            </div>
          ) : session ? (
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
                beforeSrc={showCompare ? parentVersion!.image_url : null}
                compareSizes={compareSizes}
                compareMaskSrc={showCompare ? (currentVersion?.mask_url ?? null) : null}
                draftSrc={latestDraft}
                maskLayer={
                  mask.active && !showCompare ? (
                    <MaskEditor editor={mask} src={session.image_url} alt={`Paint the area to change on: ${session.last_prompt ?? 'the current image'}`} />
                  ) : null
                }
              >
                {jobPanel}
              </ImageStage>
              )}
              {picker?.running && variantPicker}
              {mask.active && !showCompare && <MaskToolbar editor={mask} />}
              <div className="session-meta small muted">
                <span className="session-meta-facts">
                  <span>{sessionIdentity?.name ?? (identityDeleted ? 'Deleted identity' : 'Unknown identity')}</span>
                  <span>
                    {ratioLabel(session.width, session.height) || session.aspect_ratio} · {session.resolution} ·{' '}
                    {session.width}×{session.height}
                  </span>
                  {currentVersion && (
                    <span title="How long the provider took">{formatDuration(currentVersion.duration_ms)}</span>
                  )}
                  {session.expires_at && (
                    <span title={`Unused sessions are deleted. This one: ${new Date(session.expires_at).toLocaleString()}`}>
                      expires {formatRelative(session.expires_at)}
                    </span>
                  )}
                  <span className="badge badge-provider" title="The image provider that made this image">
                    {providerLabel(session.provider)}
                  </span>
                  <SessionCost session={session} />
                </span>
                {session.last_prompt && (
                  <span className="last-prompt" title={session.last_prompt}>
                    {currentVersion?.kind === 'generate' ? 'Prompt: ' : 'Last edit: '}
                    {/* No <q>: a prompt such as add text "Hello" has quotes of its own (finding 19). */}
                    <span className="prompt-text">{session.last_prompt}</span>
                  </span>
                )}
              </div>

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
          ) : generation.sessionError ? (
            <div className="empty-state" role="alert">
              <h3>Could not load the image session</h3>
              <p className="muted">{generation.sessionError.message}</p>
              <button type="button" className="button" onClick={() => generation.refetchSession()}>
                Try again
              </button>
            </div>
          ) : generation.isGenerating ? (
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
          ) : (
            <div className="empty-state" data-testid="no-session">
              <div className="empty-icon" aria-hidden="true" />
              <h3>No active session</h3>
              <p className="muted">
                {identities.data?.length
                  ? 'Pick an identity and press Generate. You can then edit the image turn by turn, undo, compare and download.'
                  : user.is_admin
                    ? 'Create an identity with reference images first, then generate an image of it.'
                    : 'No identities are available yet. Ask an admin to create one.'}
              </p>
              {user.is_admin && identities.data?.length === 0 && (
                <Link to="/identities" state={{ create: true }} className="button button-primary">
                  Create an identity
                </Link>
              )}
            </div>
          )}
        </section>
      </div>
    </div>
  );
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

const draftKey = (userId: string, ownerId: string) => `likeness.additional-prompt.${userId}.${ownerId}`;
function readDraft(userId: string, ownerId: string): string {
  try {
    return localStorage.getItem(draftKey(userId, ownerId)) ?? '';
  } catch {
    return '';
  }
}
function writeDraft(userId: string, ownerId: string, text: string) {
  try {
    if (text) localStorage.setItem(draftKey(userId, ownerId), text);
    else localStorage.removeItem(draftKey(userId, ownerId));
  } catch {
    // storage full or blocked: the prompt just is not kept
  }
}
