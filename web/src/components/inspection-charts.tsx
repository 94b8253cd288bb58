/**
 * The figures of risk-based inspection (GET /kpis/inspections) for the KPI view: the channel mix
 * with the green-lane share, the hit rate per channel with random selections apart, arrival to
 * release per channel, and the inspections avoided with the hours that saves.
 */
import type { Channel, InspectionFigures } from "../api/types.js";
import { percent } from "../format.js";
import { Figure } from "./charts.js";

const CHANNELS: readonly Channel[] = ["green", "yellow", "red"];
const CHANNEL_COLORS: Record<Channel | "random", string> = {
  green: "#3ddc97",
  yellow: "#ffd23f",
  red: "#ff5c5c",
  random: "#5aa9ff",
};

export function ChannelChart({ figures }: { figures: InspectionFigures }) {
  const total = CHANNELS.reduce((sum, c) => sum + figures.byChannel[c], 0);
  const width = 600;
  let x = 0;
  return (
    <Figure
      id="channels"
      title="Channels at arrival"
      summary={`${figures.trips} trips fixed at arrival · ${percent(figures.greenShare)} released green · ${figures.inspectionsAvoided} physical inspections avoided, ${figures.hoursSaved.toFixed(1)} h saved`}
      table={
        <table>
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">Trips</th>
              <th scope="col">Released</th>
              <th scope="col">Median arrival → release</th>
            </tr>
          </thead>
          <tbody>
            {CHANNELS.map((c) => (
              <tr key={c} data-channel={c}>
                <th scope="row">{c}</th>
                <td>{figures.byChannel[c]}</td>
                <td>{figures.arrivalToRelease[c].released}</td>
                <td>
                  {figures.arrivalToRelease[c].medianMin === null
                    ? "—"
                    : `${figures.arrivalToRelease[c].medianMin.toFixed(0)} min`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <svg viewBox={`0 0 ${width} 40`} role="img" aria-labelledby="channels-title" className="chart-svg">
        {total === 0 ? (
          <text x={width / 2} y={24} textAnchor="middle" fill="#a9b8c8">
            No trip has arrived in the period
          </text>
        ) : (
          CHANNELS.map((c) => {
            const w = (figures.byChannel[c] / total) * width;
            const rect = <rect key={c} x={x} y={4} width={w} height={32} fill={CHANNEL_COLORS[c]} />;
            x += w;
            return rect;
          })
        )}
      </svg>
    </Figure>
  );
}

export function HitRateChart({ figures }: { figures: InspectionFigures }) {
  const rows = [...CHANNELS, "random" as const].map((c) => ({ key: c, ...figures.hitRate[c] }));
  const width = 600;
  const barH = 22;
  return (
    <Figure
      id="hit-rate"
      title="Hit rate of checks"
      summary={`Irregularities found per check: ${rows.map((r) => `${r.key} ${percent(r.rate)}`).join(" · ")} (random selections apart)`}
      table={
        <table>
          <thead>
            <tr>
              <th scope="col">Selected by</th>
              <th scope="col">Checks</th>
              <th scope="col">Irregularities</th>
              <th scope="col">Hit rate</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.key}</th>
                <td>{r.checks}</td>
                <td>{r.irregularities}</td>
                <td>{percent(r.rate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <svg
        viewBox={`0 0 ${width} ${rows.length * (barH + 8)}`}
        role="img"
        aria-labelledby="hit-rate-title"
        className="chart-svg"
      >
        {rows.map((r, i) => (
          <g key={r.key} transform={`translate(0 ${i * (barH + 8)})`}>
            <text x={0} y={barH - 6} fill="#e8eef5" fontSize={13}>
              {r.key}
            </text>
            <rect
              x={80}
              y={0}
              width={(r.rate ?? 0) * (width - 160)}
              height={barH}
              fill={CHANNEL_COLORS[r.key]}
            />
            <text x={width - 70} y={barH - 6} fill="#e8eef5" fontSize={13}>
              {percent(r.rate)} of {r.checks}
            </text>
          </g>
        ))}
      </svg>
    </Figure>
  );
}
