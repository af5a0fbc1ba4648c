import { useEffect } from 'react';
import { useLocation, useSearchParams } from 'react-router';
import { useIdentities } from '@/hooks/use-identities';
import { CreateIdentityForm } from './CreateIdentityForm';
import { IdentityDetail } from './IdentityDetail';
import { useDocumentTitle } from '@/hooks/use-document-title';
import './identities.css';

export function IdentitiesPage() {
  useDocumentTitle('Identities');
  const { data: identities, isPending } = useIdentities(true);
  const [params, setParams] = useSearchParams();
  const requested = params.get('id');
  const selected = identities?.find((i) => i.id === requested) ?? identities?.[0] ?? null;

  const select = (id: string) => setParams({ id }, { replace: true });
  const createFirst = (useLocation().state as { create?: boolean } | null)?.create === true;

  // An identity that is gone (deleted here or elsewhere) leaves the URL (finding 19).
  const missing = !!requested && !!identities && !identities.some((i) => i.id === requested);
  useEffect(() => {
    if (missing) setParams({}, { replace: true });
  }, [missing, setParams]);

  return (
    <div className="page">
      <header className="page-header">
        <h1>Identities</h1>
        <p className="muted">
          An identity is a person, character or brand, described by its reference images. Images are generated
          from them.
        </p>
      </header>
      <div className="split">
        <aside className="stack">
          <CreateIdentityForm onCreated={(identity) => select(identity.id)} autoFocus={createFirst} />
          <section className="card" aria-labelledby="identity-list-title">
            <h2 id="identity-list-title" className="card-title">
              All identities {identities && <span className="count">{identities.length}</span>}
            </h2>
            {isPending ? (
              <p className="muted" role="status">
                Loading…
              </p>
            ) : identities && identities.length > 0 ? (
              <ul className="identity-list">
                {identities.map((identity) => (
                  <li key={identity.id}>
                    <button
                      type="button"
                      className="identity-item"
                      aria-current={identity.id === selected?.id ? 'true' : undefined}
                      onClick={() => select(identity.id)}
                    >
                      <span className="identity-avatar" aria-hidden="true">
                        {identity.reference_images[0] ? (
                          <img src={identity.reference_images[0].thumbnail_url} alt="" />
                        ) : (
                          identity.name.slice(0, 1).toUpperCase()
                        )}
                      </span>
                      <span className="identity-item-text">
                        <span className="identity-item-name">{identity.name}</span>
                        <span className="muted small">
                          {identity.reference_images.length} reference
                          {identity.reference_images.length === 1 ? ' image' : ' images'}
                        </span>
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">No identities yet. Create the first one above.</p>
            )}
          </section>
        </aside>
        <div>
          {selected ? (
            <IdentityDetail key={selected.id} identity={selected} />
          ) : (
            !isPending && (
              <div className="card empty-state">
                <h2>No identity selected</h2>
                <p className="muted">Create an identity, then add reference images to it.</p>
              </div>
            )
          )}
        </div>
      </div>
    </div>
  );
}
