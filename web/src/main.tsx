import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { loadSession } from "./api/session";
import "./styles.css";

// Read now, while the script first runs and before the page's first frame: a tab's first read of sessionStorage waits
// for the browser process, which on a busy machine took up to 90 ms inside the first render.
const session = loadSession();

// The first render waits for the browser's second frame: right after this script first runs, V8 stores its compiled
// code for the next visit (a task of 10-20 ms), and the first render (the session, the header, the page's code
// requested) is another of 10-15 ms; one after the other they held the page's first frames back for over 100 ms on a
// busy machine. Two frames are 30 ms at most on a page that has nothing to show before it. A tab opened in the
// background draws no frames until it is shown: it renders at once.
const render = () =>
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App initialSession={session} />
    </StrictMode>,
  );
if (document.hidden) render();
else requestAnimationFrame(() => requestAnimationFrame(render));
