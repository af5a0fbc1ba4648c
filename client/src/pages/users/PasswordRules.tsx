/**
 * The server's password rules, shown under a password field before anything is typed. The field names the
 * list in its aria-describedby (no label of its own: "Password" must stay the field's name alone).
 */
export function PasswordRules({ id, rules }: { id: string; rules: string[] | undefined }) {
  if (!rules?.length) return null;
  return (
    <ul id={id} className="password-rules muted small">
      {rules.map((rule) => (
        <li key={rule}>{rule}</li>
      ))}
    </ul>
  );
}
