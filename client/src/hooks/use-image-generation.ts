// Server state of one user's image session (the plan's useImageGeneration hook). The status
// query is the single source of truth: undo/redo/select write their answers into it, Apply Edit
// and Generate New start a job and put it in the status's `running_job`, and the job's events
// (followed while it runs, picked up again after a reload) write the finished session back.
import {
  queryOptions,
  useIsMutating,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { toast } from 'sonner';
import {
  getImageJob,
  getImageSessionHistory,
  getImageSessionStatus,
  imageSessionApi,
  type SessionOwner,
} from '@/api/imageGeneration';
import { ApiError } from '@/lib/api-client';
import { followImageJob, type ImageJobEvent } from '@/lib/job-events';
import { showError } from '@/lib/query-client';
import {
  isActiveSession,
  isImageJob,
  type AspectRatio,
  type EditMode,
  type ImageJob,
  type ImageJobEventMap,
  type ImageJobKind,
  type ImageJobStage,
  type ImageSessionResponse,
  type Resolution,
  type StartedImageTurn,
} from '@/types/imageGeneration';

export type { SessionOwner };

/** Every key of the image session derives from these. */
export const imageSessionKeys = {
  all: ['image-session'] as const,
  owner: (owner: SessionOwner) => [...imageSessionKeys.all, owner ?? 'self'] as const,
  /** Mutation keys: a request in flight survives the page being left and opened again. */
  change: (owner: SessionOwner, kind: 'generate' | 'edit' | 'version' | 'cancel') =>
    [...imageSessionKeys.owner(owner), 'change', kind] as const,
};

export function imageSessionQueryOptions(owner: SessionOwner) {
  return queryOptions({
    queryKey: [...imageSessionKeys.owner(owner), 'status'] as const,
    queryFn: () => getImageSessionStatus(owner),
  });
}

export function imageSessionHistoryQueryOptions(owner: SessionOwner) {
  return queryOptions({
    queryKey: [...imageSessionKeys.owner(owner), 'history'] as const,
    queryFn: () => getImageSessionHistory(owner),
    meta: { silent: true }, // the status query already tells the user when a session is gone
  });
}

export interface GenerateImageInput {
  identity_id: string;
  additional_prompt?: string;
  aspect_ratio: AspectRatio;
  resolution: Resolution;
  model?: string;
  edit_mode?: EditMode;
}

/** What the page shows of a running job: built from its events. */
export interface ImageJobProgress {
  job: ImageJob;
  stage: ImageJobStage | null;
  thoughts: string[];
  previews: ImageJobEventMap['preview'][];
  /** What the server said about the turn (`notice` events), e.g. references left out for the model's limit. */
  notices: string[];
  /** The job was started from this page (not picked up after a reload): focus may move to it. */
  startedHere: boolean;
}

type JobOutcome =
  | { status: 'succeeded'; session: ImageSessionResponse | null }
  | { status: 'failed'; error: ApiError }
  | { status: 'cancelled' }
  /** The job can no longer be found (404): nothing to announce, the status is re-read. */
  | { status: 'gone' };

const SUCCESS_MESSAGE: Record<ImageJobKind, string> = { generate: 'Image generated.', edit: 'Edit applied.' };
const CANCELLED_MESSAGE: Record<ImageJobKind, string> = {
  generate: 'Generation cancelled. The session is unchanged.',
  edit: 'Edit cancelled. The image is unchanged.',
};

/** The status with `running_job` replaced, when the cache holds a status at all. */
function withRunningJob(queryClient: QueryClient, owner: SessionOwner, update: (job: ImageJob | null) => ImageJob | null) {
  const { queryKey } = imageSessionQueryOptions(owner);
  const status = queryClient.getQueryData(queryKey);
  if (!status) return false;
  queryClient.setQueryData(queryKey, { ...status, running_job: update(status.running_job) } as ImageSessionResponse);
  return true;
}

type ProgressAction = { type: 'reset'; job: ImageJob | null } | { type: 'event'; jobId: string; event: ImageJobEvent };
type ProgressState = Omit<ImageJobProgress, 'job' | 'startedHere'> & { jobId: string | null };

function progressReducer(state: ProgressState, action: ProgressAction): ProgressState {
  if (action.type === 'reset')
    return { jobId: action.job?.id ?? null, stage: action.job?.stage ?? null, thoughts: [], previews: [], notices: [] };
  if (action.jobId !== state.jobId) return state;
  const { event } = action;
  switch (event.name) {
    case 'stage':
      return { ...state, stage: event.data.stage };
    case 'thought':
      return event.data.text?.trim() ? { ...state, thoughts: [...state.thoughts, event.data.text.trim()] } : state;
    case 'preview':
      return { ...state, previews: [...state.previews, event.data] };
    case 'notice':
      return event.data.message ? { ...state, notices: [...state.notices, event.data.message] } : state;
    default:
      return state;
  }
}

/** Follows `job`'s events while it is set; calls `onFinished` once when it ends. */
function useImageJobEvents(owner: SessionOwner, job: ImageJob | null, onFinished: (job: ImageJob, outcome: JobOutcome) => void) {
  const [state, dispatch] = useReducer(progressReducer, { jobId: null, stage: null, thoughts: [], previews: [], notices: [] });
  const finished = useRef(onFinished);
  useEffect(() => {
    finished.current = onFinished;
  });
  const jobId = job?.id ?? null;
  const eventsUrl = job?.events_url ?? null;
  const jobRef = useRef(job);
  jobRef.current = job;

  useEffect(() => {
    const followed = jobRef.current;
    dispatch({ type: 'reset', job: followed });
    if (!followed || !eventsUrl) return;
    return followImageJob({
      eventsUrl,
      recheck: () => getImageJob(owner, followed.id),
      onEvent: (event) => {
        if (event.name === 'succeeded') finished.current(followed, { status: 'succeeded', session: event.data.session ?? null });
        else if (event.name === 'failed')
          finished.current(followed, { status: 'failed', error: new ApiError(event.data.detail, event.data.status) });
        else if (event.name === 'cancelled') finished.current(followed, { status: 'cancelled' });
        else {
          // A notice stays in the panel while the job runs, and as a toast once it has gone.
          if (event.name === 'notice' && event.data.message) toast.info(event.data.message, { duration: 10_000 });
          dispatch({ type: 'event', jobId: followed.id, event });
        }
      },
      onEnded: (ended) => {
        if (ended?.status === 'succeeded') finished.current(followed, { status: 'succeeded', session: null });
        else if (ended?.status === 'failed' && ended.error)
          finished.current(followed, { status: 'failed', error: new ApiError(ended.error.detail, ended.error.status) });
        else if (ended?.status === 'cancelled') finished.current(followed, { status: 'cancelled' });
        else finished.current(followed, { status: 'gone' });
      },
    });
  }, [owner, jobId, eventsUrl]);

  return state.jobId === jobId ? state : { jobId, stage: job?.stage ?? null, thoughts: [], previews: [], notices: [] };
}

export interface ImageGenerationOptions {
  /** How a failed generate or edit is shown (the page adds a link to the local engine's instructions); a toast by default. */
  showJobError?: (error: ApiError) => void;
}

export function useImageGeneration(owner: SessionOwner, options: ImageGenerationOptions = {}) {
  const queryClient = useQueryClient();
  const showJobError = useRef(options.showJobError);
  showJobError.current = options.showJobError;
  const api = useMemo(() => imageSessionApi(owner), [owner]);

  const sessionQuery = useQuery(imageSessionQueryOptions(owner));
  const session = isActiveSession(sessionQuery.data) ? sessionQuery.data : null;
  const hasActiveSession = session !== null;

  // The job on screen: one started here, or the status's `running_job` (after a reload). It is
  // followed until its own stream says it ended, even if a fresher status stops naming it first
  // (the toast and clearing the input must not be lost to that race).
  const [tracked, setTracked] = useState<{ owner: SessionOwner; job: ImageJob } | null>(null);
  const ended = useRef(new Set<string>());
  const statusJob = sessionQuery.data?.running_job ?? null;
  const trackedJob = tracked?.owner === owner && !ended.current.has(tracked.job.id) ? tracked.job : null;
  const runningJob = trackedJob ?? (statusJob && !ended.current.has(statusJob.id) ? statusJob : null);
  useEffect(() => {
    if (runningJob && runningJob !== trackedJob) setTracked({ owner, job: runningJob });
  }, [owner, runningJob, trackedJob]);

  const historyQuery = useQuery({ ...imageSessionHistoryQueryOptions(owner), enabled: hasActiveSession });

  // Jobs started from this hook (so the panel may take focus), and what to do when an edit applied.
  const startedHere = useRef(new Set<string>());
  const onApplied = useRef(new Map<string, () => void>());
  const announced = useRef(new Set<string>());
  const [failure, setFailure] = useState<{ kind: ImageJobKind; error: ApiError } | null>(null);

  const invalidateOwner = useCallback(
    (who: SessionOwner) => queryClient.invalidateQueries({ queryKey: imageSessionKeys.owner(who) }),
    [queryClient],
  );

  const finishJob = useCallback(
    (job: ImageJob, outcome: JobOutcome) => {
      ended.current.add(job.id);
      setTracked((current) => (current?.job.id === job.id ? null : current));
      const { queryKey } = imageSessionQueryOptions(owner);
      const clear = (running: ImageJob | null) => (running?.id === job.id ? null : running);
      if (outcome.status === 'succeeded' && outcome.session) {
        queryClient.setQueryData(queryKey, { ...outcome.session, running_job: clear(outcome.session.running_job) });
        void queryClient.invalidateQueries({ queryKey: imageSessionHistoryQueryOptions(owner).queryKey });
      } else {
        withRunningJob(queryClient, owner, clear);
        void invalidateOwner(owner); // the session may have expired or moved on: re-read it
      }
      // Toasts and callbacks once per job, even if its end is seen twice (a replay after a re-read).
      if (announced.current.has(job.id)) return;
      announced.current.add(job.id);
      if (outcome.status === 'succeeded') {
        toast.success(SUCCESS_MESSAGE[job.kind]);
        onApplied.current.get(job.id)?.();
      } else if (outcome.status === 'failed') {
        setFailure({ kind: job.kind, error: outcome.error });
        if (outcome.error.status !== 401) (showJobError.current ?? ((e: ApiError) => showError(e.message)))(outcome.error);
      } else if (outcome.status === 'cancelled') {
        toast(CANCELLED_MESSAGE[job.kind]);
      }
      onApplied.current.delete(job.id);
    },
    [owner, queryClient, invalidateOwner],
  );

  const events = useImageJobEvents(owner, runningJob, finishJob);

  // A job was accepted (202): show it at once; its events take it from here. A server that
  // answered with the finished turn instead (it did not apply Prefer) is as good as `succeeded`.
  const onStarted = (kind: ImageJobKind) => (turn: StartedImageTurn, _: unknown, context: { owner: SessionOwner } | undefined) => {
    const who = context?.owner ?? owner;
    setFailure(null);
    if (!isImageJob(turn)) {
      const { image_base64: _image, ...status } = turn;
      void storeResponse({ ...status, running_job: status.running_job ?? null } as ImageSessionResponse, undefined, context);
      toast.success(SUCCESS_MESSAGE[kind]);
      return;
    }
    startedHere.current.add(turn.id);
    if (who === owner) setTracked({ owner: who, job: turn });
    if (!withRunningJob(queryClient, who, () => turn)) void invalidateOwner(who);
  };
  // Mutations remember whose session they acted on: an admin may switch users mid-request.
  const onMutate = () => ({ owner });
  const storeResponse = (response: ImageSessionResponse, _: unknown, context: { owner: SessionOwner } | undefined) => {
    const who = context?.owner ?? owner;
    queryClient.setQueryData(imageSessionQueryOptions(who).queryKey, response);
    return queryClient.invalidateQueries({ queryKey: imageSessionHistoryQueryOptions(who).queryKey });
  };
  // A refused change may mean the session expired, moved on elsewhere, or a job is running there.
  const onError = (_: Error, __: unknown, context: { owner: SessionOwner } | undefined) => invalidateOwner(context?.owner ?? owner);

  const generate = useMutation({
    mutationKey: imageSessionKeys.change(owner, 'generate'),
    mutationFn: (input: GenerateImageInput) => api.generate(input),
    onMutate,
    onSuccess: onStarted('generate'),
    onError,
  });
  const edit = useMutation({
    mutationKey: imageSessionKeys.change(owner, 'edit'),
    mutationFn: ({ editPrompt, maskPngBase64 }: { editPrompt: string; maskPngBase64?: string }) =>
      api.edit(maskPngBase64 ? { edit_prompt: editPrompt, mask_png_base64: maskPngBase64 } : { edit_prompt: editPrompt }),
    onMutate,
    onSuccess: onStarted('edit'),
    onError,
  });
  const versionKey = imageSessionKeys.change(owner, 'version');
  const undo = useMutation({ mutationKey: versionKey, mutationFn: () => api.undo(), onMutate, onSuccess: storeResponse, onError });
  const redo = useMutation({ mutationKey: versionKey, mutationFn: () => api.redo(), onMutate, onSuccess: storeResponse, onError });
  const select = useMutation({
    mutationKey: versionKey,
    mutationFn: (versionId: string) => api.select(versionId),
    onMutate,
    onSuccess: storeResponse,
    onError,
  });
  const cancel = useMutation({
    mutationKey: imageSessionKeys.change(owner, 'cancel'),
    mutationFn: (jobId: string) => api.cancel(jobId),
    onMutate,
    // The `cancelled` event ends the job on screen; a 409 (it had just finished) re-reads it.
    onError,
  });

  // Counted across the whole app, not just this component: a request in flight while the page
  // was left still counts when it is opened again.
  const starting =
    useIsMutating({ mutationKey: imageSessionKeys.change(owner, 'generate') }) +
      useIsMutating({ mutationKey: imageSessionKeys.change(owner, 'edit') }) >
    0;
  const changingVersion = useIsMutating({ mutationKey: versionKey }) > 0;
  const isChangingVersion = undo.isPending || redo.isPending || select.isPending || changingVersion;
  const isGenerating = generate.isPending || runningJob?.kind === 'generate';
  const isEditing = edit.isPending || runningJob?.kind === 'edit';

  const job: ImageJobProgress | null = runningJob
    ? {
        job: runningJob,
        stage: events.stage,
        thoughts: events.thoughts,
        previews: events.previews,
        notices: events.notices,
        startedHere: startedHere.current.has(runningJob.id),
      }
    : null;

  return {
    session,
    hasActiveSession,
    isLoadingSession: sessionQuery.isPending,
    sessionError: sessionQuery.error,
    refetchSession: sessionQuery.refetch,
    // Only the history of the session on screen: right after Generate New the old one is still cached.
    history: session && historyQuery.data?.session_id === session.session_id ? historyQuery.data : undefined,

    /** Starts a generate job; `onSuccess` runs when the new session's image is on screen. */
    generateImage: (input: GenerateImageInput, options?: { onSuccess?: () => void }) =>
      generate.mutate(input, {
        onSuccess: (turn) => {
          if (!options?.onSuccess) return;
          if (isImageJob(turn)) onApplied.current.set(turn.id, options.onSuccess);
          else options.onSuccess(); // already generated
        },
      }),
    isGenerating,
    generateError: generate.error ?? (failure?.kind === 'generate' ? failure.error : null),

    /** Starts an edit job; `onSuccess` runs when the edited image is the session's current one. */
    /** Edits the current image; with `maskPngBase64`, only the painted region (a region edit). */
    editImage: (editPrompt: string, options?: { onSuccess?: () => void; maskPngBase64?: string }) =>
      edit.mutate({ editPrompt, maskPngBase64: options?.maskPngBase64 }, {
        onSuccess: (turn) => {
          if (!options?.onSuccess) return;
          if (isImageJob(turn)) onApplied.current.set(turn.id, options.onSuccess);
          else options.onSuccess(); // already applied
        },
      }),
    isEditing,
    editError: edit.error ?? (failure?.kind === 'edit' ? failure.error : null),

    /** The running generate or edit with its live progress, or null. */
    job,
    cancelJob: () => runningJob && cancel.mutate(runningJob.id),
    isCancelling: cancel.isPending,

    undo: undo.mutate,
    redo: redo.mutate,
    selectVersion: select.mutate,
    isChangingVersion,

    /** A generate or edit is starting or running, or a version change is: the session must not change again. */
    isBusy: isGenerating || isEditing || starting || runningJob !== null || isChangingVersion,
  };
}
