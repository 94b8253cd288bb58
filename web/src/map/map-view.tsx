/**
 * A MapLibre map as a React component: created once, given the offline basemap (or the configured
 * tile style, falling back to the offline one if it cannot be loaded), and handed to `onReady`
 * once its style is loaded so that views add their layers. React never re-renders the map itself.
 */
import { Map as MapLibreMap, NavigationControl, ScaleControl, setWorkerUrl } from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { useEffect, useRef } from "react";
import { offlineStyle } from "./basemap.js";

export interface MapViewProps {
  /** Accessible name of the map region. */
  readonly label: string;
  readonly tileStyleUrl?: string | undefined;
  readonly initialBounds?: [[number, number], [number, number]];
  readonly onReady: (map: MapLibreMap) => void | (() => void);
  readonly className?: string;
}

// The map's worker is a file of its own; the build copies it next to the page.
setWorkerUrl(workerUrl);

/** The whole demo area: Kenya to Hong Kong. */
export const WORLD_VIEW: [[number, number], [number, number]] = [
  [15, -10],
  [120, 52],
];

export function MapView({ label, tileStyleUrl, initialBounds, onReady, className }: MapViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const ready = useRef(onReady);
  ready.current = onReady;

  useEffect(() => {
    if (container.current === null) return;
    let cleanup: void | (() => void);
    const map = new MapLibreMap({
      container: container.current,
      style: tileStyleUrl ?? offlineStyle(),
      bounds: initialBounds ?? WORLD_VIEW,
      fitBoundsOptions: { padding: 30 },
      attributionControl: { compact: true },
      renderWorldCopies: false,
      // Labels appear at once: a fade animates the map for 300 ms after every fleet update.
      fadeDuration: 0,
      maxPitch: 0,
      dragRotate: false,
      touchPitch: false,
    });
    map.touchZoomRotate.disableRotation();
    map.keyboard.enable();
    map.addControl(new NavigationControl({ showCompass: false }), "top-left");
    map.addControl(new ScaleControl({ unit: "metric" }), "bottom-left");
    let loaded = false;
    map.on("error", () => {
      // A remote style that cannot be reached (no internet): fall back to the offline map.
      if (!loaded && tileStyleUrl !== undefined) map.setStyle(offlineStyle());
    });
    map.once("load", () => {
      loaded = true;
      cleanup = ready.current(map);
    });
    // Reachable from the browser tests and the frame-time benchmark (read only).
    (window as unknown as { __sealwatchMap?: MapLibreMap }).__sealwatchMap = map;
    return () => {
      if (typeof cleanup === "function") cleanup();
      map.remove();
    };
    // The map is made once per mount; a new style URL remounts the view (see its key).
  }, []);

  return <div ref={container} className={className ?? "map"} role="region" aria-label={label} tabIndex={0} />;
}
