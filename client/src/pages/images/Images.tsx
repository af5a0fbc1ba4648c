import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { toast } from 'sonner';
import { useElapsedSeconds, useElapsedSince } from '@/hooks/use-elapsed-seconds';
import { useIdentities } from '@/hooks/use-identities';
import { useImageGeneration } from '@/hooks/use-image-generation';
import { useUsers } from '@/hooks/use-users';
import { fetchPng, imageFileName, saveBlob } from '@/lib/download';
import { formatDuration, formatRelative, providerLabel } from '@/lib/format';
import type { CurrentUser } from '@/types/auth';
import { EditSection } from './EditSection';
import { GenerateForm, type GenerateSettings } from './GenerateForm';
import { HistoryStrip } from './HistoryStrip';
import { ImageStage, stageSizeFromRatio } from './ImageStage';
import { JobProgressPanel } from './JobProgress';
import { ReferencesChangedNotice } from './ReferencesChangedNotice';
import { SessionCost } from './SessionCost';
import { useUndoRedoShortcuts } from './use-undo-redo-shortcuts';
import { useDocumentTitle } from '@/hooks/use-document-title';

const DEFAULT_SETTINGS: GenerateSettings = {
  identityId: '',
  additionalPrompt: '',
  aspectRatio: '16:9',
  resolution: '1K', // the server defaults to 4K; 1K keeps the UI quick
};

export function ImagesPage({ user }: { user: CurrentUser }) {
  // Admins may work on any user's session (the plan's "test different users"); the chosen
  // user lives in the URL so a reload keeps it. Everyone else uses the self endpoints.
  const [params, setParams] = useSearchParams();
  const selectedUserId = user.is_admin ? params.get('user') || user.id : user.id;
  const owner = user.is_admin ? selectedUserId : null;

  const identities = useIdentities(user.is_admin);
  const users = useUsers(user.is_admin);
  const generation = useImageGeneration(owner);
  const { session, history } = generation;

  const [settings, setSettings] = useState<GenerateSettings>(DEFAULT_SETTINGS);
  const [comparing, setComparing] = useState(false);

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

  // Default to the first identity once they are known.
  useEffect(() => {
    const list = identities.data;
    if (!list?.length) return;
    if (!list.some((i) => i.id === settings.identityId)) {
      setSettings((s) => ({ ...s, identityId: list[0].id }));
    }
  }, [identities.data, settings.identityId]);

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
  const viewedUser = user.is_admin && selectedUserId !== user.id ? users.data?.find((u) => u.id === selectedUserId) : undefined;

  function generate() {
    if (!settings.identityId) {
      toast.error('Pick an identity first.');
      return;
    }
    setComparing(false);
    generation.generateImage({
      identity_id: settings.identityId,
      additional_prompt: settings.additionalPrompt.trim() || undefined,
      aspect_ratio: settings.aspectRatio,
      resolution: settings.resolution,
      model: settings.model,
      edit_mode: settings.editMode,
    });
  }

  function applyEdit(prompt: string, onApplied: () => void) {
    generation.editImage(prompt, { onSuccess: onApplied });
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

  const stageSize = session
    ? { width: session.width, height: session.height }
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
            onGenerate={generate}
            identities={identities.data}
            identitiesLoading={identities.isPending}
            isBusy={generation.isBusy}
            isGenerating={generation.isGenerating}
            userPicker={
              user.is_admin
                ? {
                    users: users.data,
                    selectedUserId,
                    currentUserId: user.id,
                    onSelect: (id) => {
                      setComparing(false);
                      setParams(id === user.id ? {} : { user: id }, { replace: true });
                    },
                  }
                : undefined
            }
          />
        </aside>

        <section className="card session" aria-labelledby="session-title">
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
                  onClick={() => generation.undo()}
                  disabled={!canUndo}
                  aria-keyshortcuts="Control+Z"
                  title="Undo (Ctrl+Z)"
                >
                  ↶ Undo
                </button>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => generation.redo()}
                  disabled={!canRedo}
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
                  disabled={generation.isBusy}
                  onGenerateNew={generate}
                />
              )}

              <ImageStage
                src={session.image_url}
                alt={session.last_prompt ? `Current image: ${session.last_prompt}` : 'Current image'}
                width={stageSize.width}
                height={stageSize.height}
                busyLabel={busyLabel}
                elapsedSeconds={elapsed}
                beforeSrc={showCompare ? parentVersion!.image_url : null}
                draftSrc={latestDraft}
              >
                {jobPanel}
              </ImageStage>
              <div className="session-meta small muted">
                <span className="session-meta-facts">
                  <span>{sessionIdentity?.name ?? 'Unknown identity'}</span>
                  <span>
                    {session.aspect_ratio} · {session.resolution} · {session.width}×{session.height}
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
                    <q>{session.last_prompt}</q>
                  </span>
                )}
              </div>

              <EditSection
                provider={session.provider}
                isBusy={generation.isBusy}
                isEditing={generation.isEditing}
                isGenerating={generation.isGenerating}
                onApplyEdit={applyEdit}
                onGenerateNew={generate}
              />

              {versions.length > 0 && (
                <HistoryStrip
                  versions={versions}
                  currentVersionId={session.version_id}
                  disabled={generation.isBusy}
                  onSelect={(id) => generation.selectVersion(id)}
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
                <Link to="/identities" className="button button-primary">
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
