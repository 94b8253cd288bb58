/**
 * Plain SVG charts for the KPI view. Each is a figure with a caption, an SVG described for screen
 * readers, and the same figures as a table behind a disclosure.
 */
import type { ReactNode } from "react";
import type { AlarmType, Kpis } from "../api/types.js";
import { ALARM_TYPES } from "../api/types.js";
import { alarmLabel, duration, percent } from "../format.js";

const TYPE_COLORS: Record<AlarmType, string> = {
  tamper: "#ff5c5c",
  unauthorized_opening: "#ff8fab",
  route_deviation: "#ff9f1c",
  unauthorized_stop: "#ffd23f",
  restricted_zone: "#c77dff",
  signal_loss: "#5aa9ff",
  overdue: "#48cae4",
  low_battery: "#3ddc97",
  unexpected_checkpoint: "#b8c0cc",
  seal_mismatch: "#e85d04",
};

export function Figure({
  id,
  title,
  summary,
  children,
  table,
}: {
  id: string;
  title: string;
  summary: string;
  children: ReactNode;
  table: ReactNode;
}) {
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>
        <h2>{title}</h2>
        <p className="chart-summary">{summary}</p>
      </figcaption>
      {children}
      <details>
        <summary>Show the figures as a table</summary>
        {table}
      </details>
    </figure>
  );
}

/** A "nice" axis maximum and step for values up to `max`. */
function niceScale(max: number, ticks = 5): { max: number; step: number } {
  if (max <= 0) return { max: 1, step: 0.2 };
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  return { max: Math.ceil(max / step) * step, step };
}

export function TransitChart({ kpis, officeName }: { kpis: Kpis; officeName: (id: string) => string }) {
  const rows = kpis.transit.slice(0, 25);
  const over = kpis.transit.filter((t) => t.transitS > t.limitS).length;
  const maxS = Math.max(60, ...rows.map((r) => Math.max(r.transitS, r.limitS)));
  const { max, step } = niceScale(maxS / 60);
  const width = 640;
  const left = 210;
  const rowH = 22;
  const height = rows.length * rowH + 40;
  const x = (s: number) => left + (s / 60 / max) * (width - left - 20);
  return (
    <Figure
      id="transit"
      title="Transit times against their limits"
      summary={
        kpis.transit.length === 0
          ? "No trip has arrived yet."
          : `${kpis.transit.length} completed trips; ${over} took longer than allowed. Bars: transit time; tick: the limit (deadline minus arming).`
      }
      table={
        <table>
          <thead>
            <tr>
              <th scope="col">Trip</th>
              <th scope="col">Route</th>
              <th scope="col">Transit</th>
              <th scope="col">Limit</th>
            </tr>
          </thead>
          <tbody>
            {kpis.transit.map((t) => (
              <tr key={t.tripId}>
                <th scope="row">{t.tripId}</th>
                <td>
                  {officeName(t.origin)} → {officeName(t.destination)}
                </td>
                <td>{duration(t.transitS)}</td>
                <td>{duration(t.limitS)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      {rows.length > 0 && (
        <svg
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-labelledby="transit-title"
          className="chart-svg"
        >
          {Array.from({ length: Math.round(max / step) + 1 }, (_, i) => i * step).map((v) => (
            <g key={v}>
              <line x1={x(v * 60)} x2={x(v * 60)} y1={10} y2={height - 25} className="grid" />
              <text x={x(v * 60)} y={height - 8} className="axis" textAnchor="middle">
                {v} min
              </text>
            </g>
          ))}
          {rows.map((r, i) => {
            const y = 12 + i * rowH;
            const late = r.transitS > r.limitS;
            return (
              <g key={r.tripId}>
                <text x={left - 8} y={y + 12} className="axis" textAnchor="end">
                  {r.tripId.length > 28 ? `${r.tripId.slice(0, 27)}…` : r.tripId}
                </text>
                <rect
                  x={left}
                  y={y + 2}
                  width={Math.max(1, x(r.transitS) - left)}
                  height={rowH - 8}
                  className={late ? "bar late" : "bar"}
                />
                <line x1={x(r.limitS)} x2={x(r.limitS)} y1={y - 1} y2={y + rowH - 3} className="limit" />
              </g>
            );
          })}
        </svg>
      )}
    </Figure>
  );
}

export function AlarmsByDayChart({ kpis }: { kpis: Kpis }) {
  const totals = kpis.alarmsByDay.map((d) => Object.values(d.counts).reduce((a, b) => a + (b ?? 0), 0));
  // Counts: whole-number steps.
  const scale = niceScale(Math.max(4, ...totals), 4);
  const step = Math.max(1, Math.round(scale.step));
  const max = Math.ceil(scale.max / step) * step;
  const width = 640;
  const height = 260;
  const left = 40;
  const bottom = 40;
  const band = (width - left - 10) / Math.max(1, kpis.alarmsByDay.length);
  const y = (v: number) => height - bottom - (v / max) * (height - bottom - 10);
  const present = ALARM_TYPES.filter((t) => kpis.alarmsByDay.some((d) => (d.counts[t] ?? 0) > 0));
  return (
    <Figure
      id="by-day"
      title="Alarms by type per day"
      summary={`${totals.reduce((a, b) => a + b, 0)} alarms over the last ${kpis.days.length} days (UTC days).`}
      table={
        <table>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {present.map((t) => (
                <th scope="col" key={t}>
                  {alarmLabel(t)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {kpis.alarmsByDay.map((d) => (
              <tr key={d.day}>
                <th scope="row">{d.day}</th>
                {present.map((t) => (
                  <td key={t}>{d.counts[t] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="by-day-title" className="chart-svg">
        {Array.from({ length: Math.round(max / step) + 1 }, (_, i) => i * step).map((v) => (
          <g key={v}>
            <line x1={left} x2={width - 10} y1={y(v)} y2={y(v)} className="grid" />
            <text x={left - 6} y={y(v) + 4} className="axis" textAnchor="end">
              {v}
            </text>
          </g>
        ))}
        {kpis.alarmsByDay.map((d, i) => {
          let acc = 0;
          const x0 = left + i * band + band * 0.15;
          return (
            <g key={d.day}>
              {ALARM_TYPES.map((t) => {
                const n = d.counts[t] ?? 0;
                if (n === 0) return null;
                const top = y(acc + n);
                const h = y(acc) - top;
                acc += n;
                return <rect key={t} x={x0} y={top} width={band * 0.7} height={h} fill={TYPE_COLORS[t]} />;
              })}
              <text x={x0 + band * 0.35} y={height - bottom + 16} className="axis" textAnchor="middle">
                {d.day.slice(5)}
              </text>
            </g>
          );
        })}
      </svg>
      <ul className="legend" aria-label="Alarm types">
        {present.map((t) => (
          <li key={t}>
            <span className="swatch" style={{ background: TYPE_COLORS[t] }} aria-hidden="true" />
            {alarmLabel(t)}
          </li>
        ))}
      </ul>
    </Figure>
  );
}

function HorizontalBars({
  id,
  rows,
  maxValue,
  format,
  target,
}: {
  id: string;
  rows: readonly { label: string; value: number; note: string; late?: boolean; target?: number }[];
  maxValue: number;
  format: (v: number) => string;
  target?: boolean;
}) {
  const width = 640;
  const left = 200;
  const rowH = 30;
  const height = rows.length * rowH + 10;
  const x = (v: number) => left + (v / Math.max(maxValue, 1e-9)) * (width - left - 150);
  return (
    <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title`} className="chart-svg">
      {rows.map((r, i) => {
        const y = 6 + i * rowH;
        return (
          <g key={r.label}>
            <text x={left - 8} y={y + 16} className="axis" textAnchor="end">
              {r.label}
            </text>
            <rect
              x={left}
              y={y + 4}
              width={Math.max(1, x(r.value) - left)}
              height={rowH - 12}
              className={r.late === true ? "bar late" : "bar"}
            />
            {target === true && r.target !== undefined && (
              <line x1={x(r.target)} x2={x(r.target)} y1={y} y2={y + rowH - 4} className="limit" />
            )}
            <text
              x={Math.max(x(r.value), target === true && r.target !== undefined ? x(r.target) : 0) + 8}
              y={y + 16}
              className="value"
            >
              {r.value === 0 && r.note.startsWith("no ") ? r.note : `${format(r.value)} ${r.note}`}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function FalseAlarmChart({ kpis }: { kpis: Kpis }) {
  const f = kpis.falseAlarms;
  const rows = ALARM_TYPES.filter((t) => f.byType[t] !== undefined).map((t) => {
    const e = f.byType[t]!;
    return {
      label: alarmLabel(t),
      value: e.resolved === 0 ? 0 : e.falseAlarms / e.resolved,
      note: `(${e.falseAlarms} of ${e.resolved})`,
    };
  });
  return (
    <Figure
      id="false"
      title="False-alarm rate"
      summary={
        f.resolved === 0
          ? "No alarm has been resolved yet."
          : `${percent(f.rate)} of resolved alarms were false alarms (${f.falseAlarms} of ${f.resolved}).`
      }
      table={
        <table>
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Resolved</th>
              <th scope="col">False alarms</th>
            </tr>
          </thead>
          <tbody>
            {ALARM_TYPES.filter((t) => f.byType[t] !== undefined).map((t) => (
              <tr key={t}>
                <th scope="row">{alarmLabel(t)}</th>
                <td>{f.byType[t]!.resolved}</td>
                <td>{f.byType[t]!.falseAlarms}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      {rows.length > 0 && <HorizontalBars id="false" rows={rows} maxValue={1} format={(v) => percent(v)} />}
    </Figure>
  );
}

export function AckChart({ kpis }: { kpis: Kpis }) {
  const rows = kpis.acknowledge.map((a) => ({
    label: `${a.severity} (target ${duration(a.targetS)})`,
    value: a.medianS ?? 0,
    note:
      a.acknowledged === 0
        ? "no acknowledgement yet"
        : `median, p90 ${duration(a.p90S ?? 0)} · ${a.withinTarget}/${a.acknowledged} on time`,
    late: (a.medianS ?? 0) > a.targetS,
    target: a.targetS,
  }));
  const maxValue = Math.max(1, ...kpis.acknowledge.map((a) => Math.max(a.targetS, a.medianS ?? 0)));
  const waiting = kpis.acknowledge.reduce((n, a) => n + a.waiting, 0);
  const overdue = kpis.acknowledge.reduce((n, a) => n + a.waitingOverdue, 0);
  return (
    <Figure
      id="ack"
      title="Time to acknowledge"
      summary={`Median time from raising to acknowledgement by severity; the tick is the response-time target. ${waiting} alarms wait for an acknowledgement, ${overdue} past their target.`}
      table={
        <table>
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Target</th>
              <th scope="col">Acknowledged</th>
              <th scope="col">On time</th>
              <th scope="col">Median</th>
              <th scope="col">90th percentile</th>
              <th scope="col">Waiting</th>
            </tr>
          </thead>
          <tbody>
            {kpis.acknowledge.map((a) => (
              <tr key={a.severity}>
                <th scope="row">{a.severity}</th>
                <td>{duration(a.targetS)}</td>
                <td>{a.acknowledged}</td>
                <td>{a.withinTarget}</td>
                <td>{a.medianS === null ? "—" : duration(a.medianS)}</td>
                <td>{a.p90S === null ? "—" : duration(a.p90S)}</td>
                <td>
                  {a.waiting} ({a.waitingOverdue} overdue)
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <HorizontalBars id="ack" rows={rows} maxValue={maxValue} format={(v) => duration(v)} target />
    </Figure>
  );
}
