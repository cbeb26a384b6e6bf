import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The console is served by the gateway under /console/.
export default defineConfig({
  root: "console",
  base: "/console/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
});
