// Admins: how many images each user made per day, the tokens the model counted and the estimated
// cost (from the catalogue's prices), with totals per user and overall.
import { useId, useState, type ReactNode } from 'react';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { useUsage } from '@/hooks/use-usage';
import { formatUsd } from '@/lib/format';
import type { UsageDay } from '@/types/usage';
import './usage.css';

const PERIODS = [7, 30, 90] as const;
const count = new Intl.NumberFormat('en');
const dateWords = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

interface Totals {
  images: number;
  tokens: number;
  /** Null while nothing counted was priced. */
  cost: number | null;
}

function add(totals: Totals, day: UsageDay): Totals {
  return {
    images: totals.images + day.images,
    tokens: totals.tokens + day.total_tokens,
    cost: day.estimated_cost_usd == null ? totals.cost : (totals.cost ?? 0) + day.estimated_cost_usd,
  };
}
const NONE: Totals = { images: 0, tokens: 0, cost: null };

const cost = (amount: number | null) => (amount == null ? '—' : formatUsd(amount));

function formatDate(date: string) {
  const parsed = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) ? date : dateWords.format(parsed);
}

/** A table that scrolls sideways inside its own box on a phone; keyboard users can scroll it too. */
function ScrollTable({ caption, children }: { caption: string; children: ReactNode }) {
  const id = useId();
  return (
    <div className="table-scroll" role="region" aria-labelledby={id} tabIndex={0}>
      <table className="data-table">
        <caption id={id}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}

function TotalCells({ totals }: { totals: Totals }) {
  return (
    <>
      <td className="num">{count.format(totals.images)}</td>
      <td className="num">{count.format(totals.tokens)}</td>
      <td className="num">{cost(totals.cost)}</td>
    </>
  );
}

export function UsagePage() {
  useDocumentTitle('Usage');
  const [days, setDays] = useState<number>(30);
  const usage = useUsage(days);
  const rows = [...(usage.data?.days ?? [])].sort((a, b) => b.date.localeCompare(a.date) || a.email.localeCompare(b.email));
  const total = rows.reduce(add, NONE);
  const perUser = new Map<string, { email: string; days: number; totals: Totals }>();
  for (const row of rows) {
    const user = perUser.get(row.user_id) ?? { email: row.email, days: 0, totals: NONE };
    perUser.set(row.user_id, { ...user, days: user.days + 1, totals: add(user.totals, row) });
  }
  const users = [...perUser.entries()].sort(
    ([, a], [, b]) => (b.totals.cost ?? 0) - (a.totals.cost ?? 0) || b.totals.images - a.totals.images,
  );

  return (
    <div className="page">
      <header className="page-header">
        <h1>Usage</h1>
        <p className="muted">Images made per user and day, with the tokens counted and the estimated cost.</p>
      </header>
      <section className="card usage" aria-labelledby="usage-title">
        <div className="usage-head">
          <h2 id="usage-title" className="card-title">
            Last {days} days
          </h2>
          <div className="field usage-period">
            <label htmlFor="usage-days">Period</label>
            <select id="usage-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {PERIODS.map((n) => (
                <option key={n} value={n}>
                  {n} days
                </option>
              ))}
            </select>
          </div>
        </div>

        {usage.isPending ? (
          <p className="muted" role="status">
            Loading…
          </p>
        ) : usage.error ? (
          <div className="empty-state" role="alert">
            <p>Could not load the usage: {usage.error.message}</p>
            <button type="button" className="button" onClick={() => usage.refetch()}>
              Try again
            </button>
          </div>
        ) : rows.length === 0 ? (
          <p className="muted">No images were made in the last {days} days.</p>
        ) : (
          <>
            <p className="usage-summary" data-testid="usage-summary">
              <span>
                <strong>{count.format(total.images)}</strong> images
              </span>
              <span>
                <strong>{count.format(total.tokens)}</strong> tokens
              </span>
              <span>
                <strong>{cost(total.cost)}</strong> estimated
              </span>
            </p>

            <ScrollTable caption="By user">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col" className="num">
                    Days
                  </th>
                  <th scope="col" className="num">
                    Images
                  </th>
                  <th scope="col" className="num">
                    Tokens
                  </th>
                  <th scope="col" className="num">
                    Cost
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.map(([id, user]) => (
                  <tr key={id}>
                    <th scope="row" className="usage-email">
                      {user.email}
                    </th>
                    <td className="num">{user.days}</td>
                    <TotalCells totals={user.totals} />
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <td className="num">{new Set(rows.map((r) => r.date)).size}</td>
                  <TotalCells totals={total} />
                </tr>
              </tfoot>
            </ScrollTable>

            <ScrollTable caption="By day">
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">User</th>
                  <th scope="col" className="num">
                    Images
                  </th>
                  <th scope="col" className="num">
                    Tokens
                  </th>
                  <th scope="col" className="num">
                    Cost
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={`${row.date}/${row.user_id}`}>
                    <td>
                      <time dateTime={row.date}>{formatDate(row.date)}</time>
                    </td>
                    <td className="usage-email">{row.email}</td>
                    <td className="num">{count.format(row.images)}</td>
                    <td className="num">{count.format(row.total_tokens)}</td>
                    <td className="num">{cost(row.estimated_cost_usd)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={2}>
                    Total
                  </th>
                  <TotalCells totals={total} />
                </tr>
              </tfoot>
            </ScrollTable>
            <p className="hint">
              Costs are estimates from the model catalogue&rsquo;s prices; the provider&rsquo;s bill is what counts. “—”: not
              priced (the offline engine).
            </p>
          </>
        )}
      </section>
    </div>
  );
}
