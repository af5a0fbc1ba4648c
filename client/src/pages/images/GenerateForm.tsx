import type { FormEvent } from 'react';
import type { AspectRatio, EditMode, Resolution } from '@/types/imageGeneration';
import type { Identity } from '@/types/identities';
import type { User } from '@/types/auth';
import { ModelPicker } from './ModelPicker';
import { VariantCountSelect } from './VariantCountSelect';

/** How many reference thumbnails to show under the identity picker. */
const PEEK = 6;

export interface GenerateSettings {
  identityId: string;
  additionalPrompt: string;
  aspectRatio: AspectRatio;
  resolution: Resolution;
  /** Model and edit mode of the catalogue (ModelPicker); unset until it is known. */
  model?: string;
  editMode?: EditMode;
  /** How many images Generate makes (1–4): the user picks one to keep. */
  variants: number;
}

interface Props {
  settings: GenerateSettings;
  onChange: (settings: GenerateSettings) => void;
  onGenerate: () => void;
  /** Why Generate cannot run for the picked identity (no references), or null. */
  generateBlocked: string | null;
  /** The session's identity when the picker names another one: Generate starts a session for the picked one. */
  sessionIdentityName: string | null;
  identities: Identity[] | undefined;
  identitiesLoading: boolean;
  isBusy: boolean;
  isGenerating: boolean;
  /** Admins pick whose session they work on; undefined for everyone else. */
  userPicker?: {
    users: User[] | undefined;
    /** The user whose session is shown. */
    ownerId: string;
    currentUserId: string;
    onSelect: (ownerId: string) => void;
  };
}

export function GenerateForm({
  settings,
  onChange,
  onGenerate,
  generateBlocked,
  sessionIdentityName,
  identities,
  identitiesLoading,
  isBusy,
  isGenerating,
  userPicker,
}: Props) {
  const selectedIdentity = identities?.find((i) => i.id === settings.identityId);
  const noReferences = !!selectedIdentity && selectedIdentity.reference_images.length === 0;
  const set = <K extends keyof GenerateSettings>(key: K, value: GenerateSettings[K]) =>
    onChange({ ...settings, [key]: value });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!settings.identityId || isBusy || generateBlocked) return;
    onGenerate();
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="generate-title">
      <h2 id="generate-title" className="card-title">
        New image
      </h2>

      {userPicker && (
        <div className="field">
          <label htmlFor="session-user">User</label>
          <select
            id="session-user"
            value={userPicker.ownerId}
            onChange={(e) => userPicker.onSelect(e.target.value)}
            disabled={isBusy}
          >
            {(userPicker.users ?? []).length === 0 && <option value={userPicker.currentUserId}>Me</option>}
            {userPicker.users?.map((u) => (
              <option key={u.id} value={u.id}>
                {u.id === userPicker.currentUserId ? `${u.email} (me)` : u.email}
              </option>
            ))}
          </select>
          <p className="hint">Each user has one image session. Admins can work on anyone’s.</p>
        </div>
      )}

      <div className="field">
        <label htmlFor="identity">Identity</label>
        <select
          id="identity"
          value={settings.identityId}
          onChange={(e) => set('identityId', e.target.value)}
          disabled={identitiesLoading || !identities?.length}
        >
          {identitiesLoading && <option value="">Loading…</option>}
          {!identitiesLoading && !identities?.length && <option value="">No identities yet</option>}
          {identities?.map((identity) => (
            <option key={identity.id} value={identity.id}>
              {identity.name} ({identity.reference_images.length})
            </option>
          ))}
        </select>
        {noReferences && (
          <p className="hint hint-warning" id="identity-warning">
            This identity has no reference images yet: add some on the Identities page to generate.
          </p>
        )}
        {selectedIdentity && sessionIdentityName && !noReferences && (
          <p className="hint hint-warning" id="identity-warning" role="status">
            The current session is for {sessionIdentityName}. Generate starts a new session for {selectedIdentity.name}.
          </p>
        )}
        {selectedIdentity && selectedIdentity.reference_images.length > 0 && (
          <ul className="reference-peek" aria-label={`Reference images of ${selectedIdentity.name}`}>
            {selectedIdentity.reference_images.slice(0, PEEK).map((image) => (
              <li key={image.id}>
                <img src={image.thumbnail_url} alt="" loading="lazy" />
              </li>
            ))}
            {selectedIdentity.reference_images.length > PEEK && (
              <li className="reference-peek-more">+{selectedIdentity.reference_images.length - PEEK}</li>
            )}
          </ul>
        )}
      </div>

      <div className="field">
        <label htmlFor="additional-prompt">Additional prompt</label>
        <textarea
          id="additional-prompt"
          rows={3}
          value={settings.additionalPrompt}
          onChange={(e) => set('additionalPrompt', e.target.value)}
          placeholder="Optional: scene, style, mood…"
        />
      </div>

      <ModelPicker value={settings} onChange={(choice) => onChange({ ...settings, ...choice })} />

      <VariantCountSelect label="Images to generate" value={settings.variants} onChange={(count) => set('variants', count)} disabled={isBusy} />

      <button
        type="submit"
        className="button button-primary button-block"
        disabled={isBusy || !settings.identityId || !!generateBlocked}
        aria-describedby={noReferences ? 'identity-warning generate-note' : 'generate-note'}
        title={generateBlocked ?? undefined}
      >
        {isGenerating ? 'Generating…' : 'Generate'}
      </button>
      <p id="generate-note" className="hint">
        Generating starts a new session; the current one moves to your Library.
      </p>
    </form>
  );
}
