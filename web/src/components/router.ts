import { useEffect, useState } from "react";

// Client-side routes live under /ui/ so they never collide with the API (/api/...) or the compatible routes
// (/workflows/{id}/steps, /steps/{id}); the server answers index.html for any of them.
export const routes = {
  signIn: "/ui/sign-in",
  workflows: "/ui/workflows",
  workflow: (id: string) => `/ui/workflows/${encodeURIComponent(id)}`,
};

const changed = "chorus:navigate";

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  window.dispatchEvent(new Event(changed));
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    window.addEventListener("popstate", update);
    window.addEventListener(changed, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(changed, update);
    };
  }, []);
  return path;
}
