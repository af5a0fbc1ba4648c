export function ReferencesChangedNotice({
  identityName,
  disabled,
  onGenerateNew,
}: {
  identityName: string;
  disabled: boolean;
  onGenerateNew: () => void;
}) {
  return (
    <div className="notice" role="region" aria-label="Reference images changed">
      <p>
        <strong>The reference images of {identityName} changed</strong> since this session started. Edits use the
        new references; Generate New starts over from them.
      </p>
      <button type="button" className="button button-small" disabled={disabled} onClick={onGenerateNew}>
        Generate New
      </button>
    </div>
  );
}
