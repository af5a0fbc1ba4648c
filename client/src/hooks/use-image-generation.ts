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
  type ImageJobVariant,
  type ImageSessionResponse,
  type Resolution,
  type StartedImageTurn,
} from '@/types/imageGeneration';

export type { SessionOwner };

/** Every key of the image session derives from these. */
export const imageSessionKeys = {
  all: ['image-session'] as const,
  owner: (owner: SessionOwner) => [...imageSessionKeys.all, owner ?? 'signed-in'] as const,
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
  /** How many images to make (1–4); sent only when more than one (the server's default is 1). */
  variants?: number;
}

/** What the page shows of a running job: built from its events. */
export interface ImageJobProgress {
  job: ImageJob;
  stage: ImageJobStage | null;
  thoughts: string[];
  previews: ImageJobEventMap['preview'][];
  /** What the server said about the turn (`notice` events), e.g. references left out for the model's limit. */
  notices: string[];
  /** The `variant` events so far (one per finished variant, in arrival order). */
  variants: ImageJobVariant[];
  /** The job was started from this page (not picked up after a reload): focus may move to it. */
  startedHere: boolean;
}

type JobOutcome =
  | { status: 'succeeded'; session: ImageSessionResponse | null; variants: ImageJobVariant[] }
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
    return { jobId: action.job?.id ?? null, stage: action.job?.stage ?? null, thoughts: [], previews: [], notices: [], variants: [] };
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
    case 'variant':
      return { ...state, variants: [...state.variants.filter((v) => v.index !== event.data.index), event.data] };
    default:
      return state;
  }
}

/** Follows `job`'s events while it is set; calls `onFinished` once when it ends. */
function useImageJobEvents(owner: SessionOwner, job: ImageJob | null, onFinished: (job: ImageJob, outcome: JobOutcome) => void) {
  const [state, dispatch] = useReducer(progressReducer, { jobId: null, stage: null, thoughts: [], previews: [], notices: [], variants: [] });
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
    // The variants seen on this stream: the picker keeps them after the job has gone.
    const variants = new Map<number, ImageJobVariant>();
    const succeeded = (session: ImageSessionResponse | null): JobOutcome => ({
      status: 'succeeded',
      session,
      variants: [...variants.values()].sort((a, b) => a.index - b.index),
    });
    return followImageJob({
      eventsUrl,
      recheck: () => getImageJob(owner, followed.id),
      onEvent: (event) => {
        if (event.name === 'variant') variants.set(event.data.index, event.data);
        if (event.name === 'succeeded') finished.current(followed, succeeded(event.data.session ?? null));
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
        if (ended?.status === 'succeeded') finished.current(followed, succeeded(null));
        else if (ended?.status === 'failed' && ended.error)
          finished.current(followed, { status: 'failed', error: new ApiError(ended.error.detail, ended.error.status) });
        else if (ended?.status === 'cancelled') finished.current(followed, { status: 'cancelled' });
        else finished.current(followed, { status: 'gone' });
      },
    });
  }, [owner, jobId, eventsUrl]);

  return state.jobId === jobId ? state : { jobId, stage: job?.stage ?? null, thoughts: [], previews: [], notices: [], variants: [] };
}

/** The variants of a turn that makes more than one image, as the picker shows them. */
export interface VariantChoice {
  /** How many the turn makes (1–4). */
  expected: number;
  /** Those saved so far. */
  variants: { index: number; version_id: string; image_url: string }[];
  /** Those that failed, with the server's reason. */
  failed: { index: number; message: string }[];
  /** Still running (nothing can be picked yet), or finished and waiting for a pick. */
  running: boolean;
}

/** How many images a job makes: the job says so, else its `variant` events do. */
function expectedVariants(job: ImageJob | null, variants: ImageJobVariant[]): number {
  return Math.max(job?.variants ?? 1, ...variants.map((v) => v.variants ?? 1));
}

function variantChoice(expected: number, variants: ImageJobVariant[], running: boolean): VariantChoice {
  return {
    expected,
    variants: variants.flatMap((v) =>
      v.version_id && v.image_url && !v.error ? [{ index: v.index, version_id: v.version_id, image_url: v.image_url }] : [],
    ),
    failed: variants.flatMap((v) => (v.error ? [{ index: v.index, message: v.error.detail }] : [])),
    running,
  };
}

/** Said when a pick made another variant current. */
export function variantKeptMessage(index: number): string {
  return `Variant ${index + 1} kept. The others stay in the history.`;
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
  // A finished turn of several variants waits here until one is picked (or Escape keeps the first).
  const [picking, setPicking] = useState<{ owner: SessionOwner; choice: VariantChoice } | null>(null);

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
      if (outcome.status === 'succeeded') {
        const expected = expectedVariants(job, outcome.variants);
        setPicking(expected > 1 ? { owner, choice: variantChoice(expected, outcome.variants, false) } : null);
      }
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
    setPicking(null); // a new turn keeps the current variant
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
    setPicking(null); // another version is current: the pick is made
    queryClient.setQueryData(imageSessionQueryOptions(who).queryKey, response);
    return queryClient.invalidateQueries({ queryKey: imageSessionHistoryQueryOptions(who).queryKey });
  };
  // A refused change may mean the session expired, moved on elsewhere, or a job is running there.
  const onError = (_: Error, __: unknown, context: { owner: SessionOwner } | undefined) => invalidateOwner(context?.owner ?? owner);

  const generate = useMutation({
    mutationKey: imageSessionKeys.change(owner, 'generate'),
    mutationFn: ({ variants, ...input }: GenerateImageInput) => api.generate(variants && variants > 1 ? { ...input, variants } : input),
    onMutate,
    onSuccess: onStarted('generate'),
    onError,
  });
  const edit = useMutation({
    mutationKey: imageSessionKeys.change(owner, 'edit'),
    mutationFn: ({ editPrompt, maskPngBase64, variants }: { editPrompt: string; maskPngBase64?: string; variants?: number }) =>
      api.edit({
        edit_prompt: editPrompt,
        ...(maskPngBase64 ? { mask_png_base64: maskPngBase64 } : {}),
        ...(variants && variants > 1 ? { variants } : {}),
      }),
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

  const isBusy = isGenerating || isEditing || starting || runningJob !== null || isChangingVersion;

  const job: ImageJobProgress | null = runningJob
    ? {
        job: runningJob,
        stage: events.stage,
        thoughts: events.thoughts,
        previews: events.previews,
        notices: events.notices,
        variants: events.variants,
        startedHere: startedHere.current.has(runningJob.id),
      }
    : null;

  // The picker: the running turn's variants as they arrive, then the finished turn's until a pick.
  const runningVariants = runningJob ? expectedVariants(runningJob, events.variants) : 1;
  const variantPicker: VariantChoice | null =
    runningJob && runningVariants > 1
      ? variantChoice(runningVariants, events.variants, true)
      : !runningJob && picking?.owner === owner
        ? picking.choice
        : null;

  // --- the versions: which is current, what it was made from, and comparing the two ---------------
  // Only the history of the session on screen: right after Generate New the old one is still cached.
  const history = session && historyQuery.data?.session_id === session.session_id ? historyQuery.data : undefined;
  const versions = history?.versions ?? [];
  const currentIndex = session ? versions.findIndex((v) => v.id === session.version_id) : -1;
  const currentVersion = currentIndex >= 0 ? versions[currentIndex] : undefined;
  const parentVersion = currentVersion?.parent_id ? versions.find((v) => v.id === currentVersion.parent_id) : undefined;
  const [comparing, setComparing] = useState(false);
  const isComparing = comparing && !!parentVersion;
  // Escape leaves the before/after comparison.
  useEffect(() => {
    if (!comparing) return;
    const onKeyDown = (event: KeyboardEvent) => event.key === 'Escape' && setComparing(false);
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [comparing]);

  /** Keeps one variant: another one is selected (a toast says so); the current one needs no call. */
  function pickVariant(versionId: string) {
    if (!picking) return;
    if (versionId === session?.version_id) {
      setPicking(null);
      return;
    }
    const index = picking.choice.variants.find((v) => v.version_id === versionId)?.index ?? 0;
    select.mutate(versionId, { onSuccess: () => toast.success(variantKeptMessage(index)) });
  }

  return {
    session,
    hasActiveSession,
    isLoadingSession: sessionQuery.isPending,
    sessionError: sessionQuery.error,
    refetchSession: sessionQuery.refetch,
    history,
    /** Every version of the session on screen, oldest first (empty until its history is read). */
    versions,
    currentVersion,
    /** The current version's number in the history (1 is the oldest), or null while unknown. */
    currentVersionNumber: currentIndex >= 0 ? currentIndex + 1 : null,
    /** The version the current one was made from: what Compare shows it against. */
    parentVersion,
    /** Before/after of the current version and its parent is on (Escape leaves it). */
    isComparing,
    toggleCompare: () => setComparing((on) => !on),
    stopComparing: () => setComparing(false),

    /** Starts a generate job; `onSuccess` runs when the new session's image is on screen. */
    generateImage: (input: GenerateImageInput, options?: { onSuccess?: () => void }) => {
      setComparing(false);
      generate.mutate(input, {
        onSuccess: (turn) => {
          if (!options?.onSuccess) return;
          if (isImageJob(turn)) onApplied.current.set(turn.id, options.onSuccess);
          else options.onSuccess(); // already generated
        },
      });
    },
    isGenerating,
    generateError: generate.error ?? (failure?.kind === 'generate' ? failure.error : null),

    /** Starts an edit job; `onSuccess` runs when the edited image is the session's current one. */
    /** Edits the current image; with `maskPngBase64`, only the painted region (a region edit); `variants` images (1–4). */
    editImage: (editPrompt: string, options?: { onSuccess?: () => void; maskPngBase64?: string; variants?: number }) =>
      edit.mutate({ editPrompt, maskPngBase64: options?.maskPngBase64, variants: options?.variants }, {
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
    /** The variants of a turn of several images: filling in while it runs, then waiting for a pick. */
    variantPicker,
    /** Keeps that variant (Escape passes the first, already current: no call). */
    pickVariant,
    cancelJob: () => runningJob && cancel.mutate(runningJob.id),
    isCancelling: cancel.isPending,

    undo: undo.mutate,
    redo: redo.mutate,
    /** Undo and Redo can be pressed: there is a version to go to and nothing else is changing. */
    canUndo: !!session?.can_undo && !isBusy,
    canRedo: !!session?.can_redo && !isBusy,
    selectVersion: select.mutate,
    isChangingVersion,

    /** A generate or edit is starting or running, or a version change is: the session must not change again. */
    isBusy,
  };
}
