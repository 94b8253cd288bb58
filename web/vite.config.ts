/**
 * Builds the dashboard into web/dist (served by the Sealwatch process at /). The offline basemap is
 * generated here from the world-atlas package (build/basemap.ts) and emitted as static files; the
 * dev server serves the same files and proxies /api to a running Sealwatch (SEALWATCH_API, default
 * http://127.0.0.1:8080).
 */
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { buildBasemap } from "./build/basemap.js";

function offlineBasemap(): Plugin {
  let files: Map<string, string> | undefined;
  const get = () => (files ??= buildBasemap());
  return {
    name: "sealwatch-offline-basemap",
    generateBundle() {
      for (const [name, source] of get())
        this.emitFile({ type: "asset", fileName: `basemap/${name}`, source });
    },
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const match = /^\/basemap\/([\w.-]+\.geojson)$/.exec(request.url ?? "");
        const body = match === null ? undefined : get().get(match[1]!);
        if (body === undefined) return next();
        response.setHeader("content-type", "application/geo+json");
        response.end(body);
      });
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  plugins: [react(), offlineBasemap()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { "/api": { target: process.env.SEALWATCH_API ?? "http://127.0.0.1:8080", changeOrigin: false } },
  },
});
