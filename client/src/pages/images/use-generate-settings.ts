// The Images page's form state: the generate settings (restored from the session the server has,
// the identity kept valid, the additional prompt kept across reloads per owner) and the edit's
// variant count. The owner (whose session) is URL state: see use-session-owner.ts.
import { useEffect, useRef, useState } from 'react';
import type { ActiveImageSession } from '@/types/imageGeneration';
import type { Identity } from '@/types/identities';
import type { GenerateSettings } from './GenerateForm';

const DEFAULT_SETTINGS: GenerateSettings = {
  identityId: '',
  additionalPrompt: '',
  aspectRatio: '16:9',
  resolution: '1K', // the server defaults to 4K; 1K keeps the UI quick
  variants: 1,
};

interface Options {
  /** The signed-in user (drafts are kept per signed-in user and owner). */
  userId: string;
  /** Whose session the page shows. */
  ownerId: string;
  session: ActiveImageSession | null;
  identities: Identity[] | undefined;
}

export function useGenerateSettings({ userId, ownerId, session, identities }: Options) {
  const [settings, setSettings] = useState<GenerateSettings>(() => ({
    ...DEFAULT_SETTINGS,
    additionalPrompt: readDraft(userId, ownerId),
  }));
  const [editVariants, setEditVariants] = useState(1);

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
    const draft = readDraft(userId, ownerId);
    setSettings((s) => ({ ...s, additionalPrompt: draft }));
  }, [userId, ownerId]);
  // The additional prompt survives a reload (the session keeps only the whole prompt it built from it).
  useEffect(() => writeDraft(userId, ownerId, settings.additionalPrompt), [userId, ownerId, settings.additionalPrompt]);

  // Until the picker names a known identity: the session's, else the first. Both effects run in one
  // commit when the page is opened again with everything cached, so this one must read the state
  // the restore above just set (a functional update), never the value it closed over.
  const sessionIdentityId = session?.session_identity_id ?? null;
  useEffect(() => {
    if (!identities?.length) return;
    setSettings((s) => {
      if (identities.some((i) => i.id === s.identityId)) return s;
      const fallback = identities.find((i) => i.id === sessionIdentityId) ?? identities[0];
      return { ...s, identityId: fallback.id };
    });
  }, [identities, sessionIdentityId]);

  return { settings, setSettings, editVariants, setEditVariants };
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
