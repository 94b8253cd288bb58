/** Hash routes (#/control, #/trips/ID, …): the server serves one page, every view lives behind it. */
import { useSyncExternalStore } from "react";

export type Route =
  | { readonly view: "login" }
  | { readonly view: "control" }
  | { readonly view: "trip"; readonly tripId: string }
  | { readonly view: "office"; readonly officeId?: string }
  | { readonly view: "portal" }
  | { readonly view: "kpis" }
  | { readonly view: "audit" }
  | { readonly view: "training"; readonly sessionId?: string }
  | { readonly view: "home" };

const SIMPLE_VIEWS = ["login", "control", "portal", "kpis", "audit"] as const;

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, "")
    .split("/")
    .filter((p) => p !== "")
    .map(decodeURIComponent);
  const [view, id] = parts;
  const simple = SIMPLE_VIEWS.find((v) => v === view);
  if (simple !== undefined) return { view: simple };
  if (view === "trips" && id !== undefined) return { view: "trip", tripId: id };
  if (view === "office") return id === undefined ? { view: "office" } : { view: "office", officeId: id };
  if (view === "training")
    return id === undefined ? { view: "training" } : { view: "training", sessionId: id };
  return { view: "home" };
}

export function href(route: Route): string {
  switch (route.view) {
    case "trip":
      return `#/trips/${encodeURIComponent(route.tripId)}`;
    case "office":
      return route.officeId === undefined ? "#/office" : `#/office/${encodeURIComponent(route.officeId)}`;
    case "training":
      return route.sessionId === undefined
        ? "#/training"
        : `#/training/${encodeURIComponent(route.sessionId)}`;
    case "home":
      return "#/";
    case "login":
    case "control":
    case "portal":
    case "kpis":
    case "audit":
      return `#/${route.view}`;
  }
}

export function navigate(route: Route): void {
  location.hash = href(route);
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  return parseRoute(hash);
}
