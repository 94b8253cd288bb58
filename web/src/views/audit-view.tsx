/** The audit chain, newest first, with its verification: every human action, who and when. */
import { useState } from "react";
import { api, query } from "../api/client.js";
import type { AuditRecord } from "../api/types.js";
import { useAsync } from "../components/use-async.js";
import { actorName, dateTime } from "../format.js";
import { href } from "../router.js";

const PAGE = 200;

interface Verification {
  readonly ok: boolean;
  readonly records: number;
  readonly head?: { seq: number; hash: string };
  readonly firstBroken?: number;
  readonly problem?: string;
}

function subjectLink(r: AuditRecord) {
  if (r.subjectType === "trip")
    return <a href={href({ view: "trip", tripId: r.subjectId })}>{r.subjectId}</a>;
  return r.subjectId;
}

export function AuditView() {
  const [humanOnly, setHumanOnly] = useState(true);
  const [before, setBefore] = useState<number | undefined>();
  const verification = useAsync(() => api<Verification>("/audit/verify"), []);
  const head = verification.data?.head?.seq;
  const upTo = before ?? head;
  const records = useAsync(
    () =>
      upTo === undefined
        ? Promise.resolve({ items: [] as AuditRecord[] })
        : api<{ items: AuditRecord[] }>(
            `/audit${query({ afterSeq: Math.max(0, upTo - PAGE), limit: PAGE })}`,
          ),
    [upTo],
  );
  const items = [...(records.data?.items ?? [])]
    .filter((r) => r.seq <= (upTo ?? Infinity))
    .filter((r) => !humanOnly || (r.actor !== "engine" && r.actor !== "system"))
    .reverse();
  const v = verification.data;
  return (
    <div className="page audit">
      <header className="page-head">
        <h1>Audit log</h1>
        {v !== undefined && (
          <p role="status" className={v.ok ? "ok" : "error"}>
            {v.ok
              ? `Chain verified: ${v.records} records, none altered.`
              : `Chain broken at record ${v.firstBroken}: ${v.problem}`}
          </p>
        )}
        <button
          type="button"
          onClick={() => {
            setBefore(undefined);
            verification.reload();
            records.reload();
          }}
        >
          Verify and refresh
        </button>
        <label className="check">
          <input type="checkbox" checked={humanOnly} onChange={(e) => setHumanOnly(e.target.checked)} />
          people's actions only
        </label>
      </header>
      <table className="audit-table">
        <caption>
          Records {Math.max(1, (upTo ?? 0) - PAGE + 1)}–{upTo ?? 0}, newest first
        </caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Subject</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={r.seq} data-action={r.action}>
              <td>{r.seq}</td>
              <td>{dateTime(r.at)}</td>
              <td>{actorName(r.actor)}</td>
              <td>{r.action}</td>
              <td>
                {r.subjectType} {subjectLink(r)}
              </td>
              <td className="details">
                {r.details === undefined ? "" : JSON.stringify(r.details).slice(0, 160)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {upTo !== undefined && upTo > PAGE && (
        <button type="button" onClick={() => setBefore(Math.max(PAGE, upTo - PAGE))}>
          Older records
        </button>
      )}
    </div>
  );
}
