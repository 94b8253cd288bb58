/**
 * Key figures as charts: transit times against limits, alarms per day, false alarms, time to
 * acknowledge, and risk-based inspection (channels at arrival, hit rates, inspections avoided).
 */
import { useCallback, useEffect } from "react";
import { api } from "../api/client.js";
import type { InspectionFigures, Kpis } from "../api/types.js";
import { AckChart, AlarmsByDayChart, FalseAlarmChart, TransitChart } from "../components/charts.js";
import { ChannelChart, HitRateChart } from "../components/inspection-charts.js";
import { useAsync } from "../components/use-async.js";
import { time } from "../format.js";
import { useZones, zoneName } from "./hooks.js";

export function KpiView() {
  const zones = useZones();
  const kpis = useAsync(() => api<Kpis>("/kpis?days=7"), []);
  const inspections = useAsync(() => api<InspectionFigures>("/kpis/inspections"), []);
  const reload = useCallback(() => {
    kpis.reload();
    inspections.reload();
  }, [kpis.reload, inspections.reload]);
  useEffect(() => {
    const timer = window.setInterval(reload, 30_000);
    return () => window.clearInterval(timer);
  }, [reload]);
  const k = kpis.data;
  return (
    <div className="page kpis">
      <header className="page-head">
        <h1>Key figures</h1>
        {k !== undefined && (
          <p className="muted">
            {k.totals.activeTrips} trips under way · {k.totals.openAlarms} alarms not resolved ·{" "}
            {k.totals.alarms} alarms in all · updated {time(k.generatedAt)}
          </p>
        )}
        <button type="button" onClick={reload}>
          Refresh
        </button>
      </header>
      {kpis.error !== undefined && (
        <p role="alert" className="error">
          {kpis.error}
        </p>
      )}
      {k === undefined ? (
        <p className="loading" role="status">
          Loading…
        </p>
      ) : (
        <div className="chart-grid">
          <TransitChart kpis={k} officeName={(id) => zoneName(zones, id)} />
          <AlarmsByDayChart kpis={k} />
          <FalseAlarmChart kpis={k} />
          <AckChart kpis={k} />
          {inspections.data !== undefined && <ChannelChart figures={inspections.data} />}
          {inspections.data !== undefined && <HitRateChart figures={inspections.data} />}
        </div>
      )}
    </div>
  );
}
