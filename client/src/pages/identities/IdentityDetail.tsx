import { useState, type FormEvent } from 'react';
import { useDeleteIdentity, useUpdateIdentity } from '@/hooks/use-identities';
import type { Identity } from '@/types/identities';
import { ReferenceImages } from './ReferenceImages';

export function IdentityDetail({ identity }: { identity: Identity }) {
  const update = useUpdateIdentity();
  const remove = useDeleteIdentity();
  const [name, setName] = useState(identity.name);
  const [description, setDescription] = useState(identity.description ?? '');
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  const changed = name.trim() !== identity.name || description.trim() !== (identity.description ?? '');

  function save(event: FormEvent) {
    event.preventDefault();
    update.mutate({ id: identity.id, input: { name: name.trim(), description: description.trim() } });
  }

  return (
    <div className="stack">
      <form className="card" onSubmit={save} aria-labelledby="identity-details-title">
        <h2 id="identity-details-title" className="card-title">
          {identity.name}
        </h2>
        <div className="field">
          <label htmlFor="identity-name">Name</label>
          <input id="identity-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="identity-description">Description</label>
          <textarea
            id="identity-description"
            rows={2}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        <div className="row">
          <button type="submit" className="button button-primary" disabled={!changed || !name.trim() || update.isPending}>
            {update.isPending ? 'Saving…' : 'Save changes'}
          </button>
          {changed && (
            <button
              type="button"
              className="button button-ghost"
              onClick={() => {
                setName(identity.name);
                setDescription(identity.description ?? '');
              }}
            >
              Discard
            </button>
          )}
        </div>
      </form>

      <ReferenceImages identity={identity} />

      <section className="card danger-zone" aria-labelledby="delete-identity-title">
        <h2 id="delete-identity-title" className="card-title">
          Delete identity
        </h2>
        <p className="muted">Deletes the identity and its reference images. Existing image sessions keep their images.</p>
        {confirmingDelete ? (
          <div className="row" role="group" aria-label="Confirm delete">
            <button
              type="button"
              className="button button-danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate(identity.id)}
            >
              {remove.isPending ? 'Deleting…' : `Delete “${identity.name}”`}
            </button>
            <button type="button" className="button button-ghost" onClick={() => setConfirmingDelete(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <button type="button" className="button button-danger-outline" onClick={() => setConfirmingDelete(true)}>
            Delete identity…
          </button>
        )}
      </section>
    </div>
  );
}
