/** The server's password rules, shown under a password field before anything is typed. */
export function PasswordRules({ id, rules }: { id: string; rules: string[] | undefined }) {
  if (!rules?.length) return null;
  return (
    <ul id={id} className="password-rules muted small" aria-label="Password rules">
      {rules.map((rule) => (
        <li key={rule}>{rule}</li>
      ))}
    </ul>
  );
}
