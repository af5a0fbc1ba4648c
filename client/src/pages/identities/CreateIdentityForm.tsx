import { useState, type FormEvent } from 'react';
import { useCreateIdentity } from '@/hooks/use-identities';
import type { Identity } from '@/types/identities';

export function CreateIdentityForm({
  onCreated,
  autoFocus = false,
}: {
  onCreated: (identity: Identity) => void;
  /** Arrived from "Create an identity": the Name field takes focus (finding 19). */
  autoFocus?: boolean;
}) {
  const create = useCreateIdentity();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { name: name.trim(), description: description.trim() },
      {
        onSuccess: (identity) => {
          setName('');
          setDescription('');
          onCreated(identity);
        },
      },
    );
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="create-identity-title">
      <h2 id="create-identity-title" className="card-title">
        New identity
      </h2>
      <div className="field">
        <label htmlFor="new-identity-name">Name</label>
        <input
          id="new-identity-name"
          autoFocus={autoFocus}
          value={name}
          maxLength={200}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. Ada Lovelace"
        />
      </div>
      <div className="field">
        <label htmlFor="new-identity-description">Description</label>
        <textarea
          id="new-identity-description"
          rows={2}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          placeholder="Optional: who or what this is"
        />
      </div>
      <button type="submit" className="button button-primary" disabled={create.isPending || !name.trim()}>
        {create.isPending ? 'Creating…' : 'Create identity'}
      </button>
    </form>
  );
}
