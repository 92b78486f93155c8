import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The bundle is committed into the server (src/Chorus.Server/WebUi/Bundle) and CI rebuilds it to check it is
// current, so the output must be reproducible: content-hashed names, no timestamps.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "../src/Chorus.Server/WebUi/Bundle",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    rolldownOptions: {
      output: {
        // V8's compile hint: the graph's chunk (React Flow) is compiled whole as it downloads, off the page's thread,
        // where each of its functions would otherwise be compiled on first call, inside the tasks that first draw a graph.
        postBanner: (chunk) => (chunk.name === "WorkflowGraph" ? "//# allFunctionsCalledOnLoad" : ""),
      },
    },
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8000" },
  },
});
