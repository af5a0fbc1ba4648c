import { Link } from 'react-router';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { useLocalEngineInstructions } from '@/hooks/use-local-engine-instructions';
import './instructions.css';

/** Every instruction the local engine understands, served from the list its parser uses (finding 5). */
export function InstructionsPage() {
  useDocumentTitle('Instructions');
  const { data, isPending, error, refetch } = useLocalEngineInstructions();
  return (
    <div className="page">
      <header className="page-header">
        <h1>Local engine instructions</h1>
        <p className="muted">
          What the offline local engine understands in “Edit this image:”. Chain several with commas or “then”
          (“sepia, then rotate 90”). <Link to="/images">Back to Images</Link>
        </p>
      </header>
      {isPending ? (
        <div className="card" role="status">
          <span className="spinner" aria-hidden="true" /> Loading…
        </div>
      ) : error ? (
        <div className="card empty-state" role="alert">
          <p>{error.message}</p>
          <button type="button" className="button" onClick={() => refetch()}>
            Try again
          </button>
        </div>
      ) : (
        <section className="card" aria-labelledby="instructions-title">
          <h2 id="instructions-title" className="card-title">
            Instructions
          </h2>
          <dl className="instructions">
            {data.instructions.map((instruction) => (
              <div key={instruction.name} className="instruction">
                <dt>{instruction.name}</dt>
                <dd>
                  {instruction.description}
                  <span className="instruction-examples">
                    {instruction.examples.map((example) => (
                      <code key={example}>{example}</code>
                    ))}
                  </span>
                </dd>
              </div>
            ))}
          </dl>
          <p className="hint">
            Typed alone, {data.version_commands.map((c, i) => (
              <span key={c}>
                {i > 0 && (i === data.version_commands.length - 1 ? ' and ' : ', ')}
                <code>{c}</code>
              </span>
            ))}{' '}
            act as the Undo and Redo buttons.
          </p>
        </section>
      )}
    </div>
  );
}
