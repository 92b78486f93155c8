import { useEffect, useState } from "react";

// Client-side routes live under /ui/ so they never collide with the API (/api/...) or the compatible routes
// (/workflows/{id}/steps, /steps/{id}); the server answers index.html for any of them.
const w = (id: string) => `/ui/workflows/${encodeURIComponent(id)}`;
export const routes = {
  signIn: "/ui/sign-in",
  workflows: "/ui/workflows",
  newWorkflow: "/ui/workflows/new",
  workflow: w,
  editor: (id: string) => `${w(id)}/edit`,
  versions: (id: string) => `${w(id)}/versions`,
  migrations: (id: string) => `${w(id)}/migrations`,
  run: (id: string) => `${w(id)}/run`,
  triggers: (id: string) => `${w(id)}/triggers`,
  executions: "/ui/executions",
  execution: (id: string) => `/ui/executions/${encodeURIComponent(id)}`,
  usage: "/ui/usage",
};

/** Which page a path shows, with its parameters; null for an unknown path. */
export type Route =
  | { page: "workflows" | "newWorkflow" | "executions" | "usage" }
  | { page: "workflow" | "editor" | "versions" | "migrations" | "run" | "triggers"; id: string }
  | { page: "execution"; id: string };

export function matchRoute(path: string): Route | null {
  const fixed: Record<string, Route> = {
    [routes.workflows]: { page: "workflows" },
    [routes.newWorkflow]: { page: "newWorkflow" },
    [routes.executions]: { page: "executions" },
    [routes.usage]: { page: "usage" },
  };
  if (fixed[path]) return fixed[path];
  const workflow = path.match(/^\/ui\/workflows\/([^/]+)(?:\/(edit|versions|migrations|run|triggers))?$/);
  if (workflow) {
    const id = decodeURIComponent(workflow[1]);
    const tab = workflow[2];
    const page = tab === "edit" ? "editor" : ((tab ?? "workflow") as "workflow" | "versions" | "migrations" | "run" | "triggers");
    return { page, id };
  }
  const execution = path.match(/^\/ui\/executions\/([^/]+)$/);
  if (execution) return { page: "execution", id: decodeURIComponent(execution[1]) };
  return null;
}

const changed = "chorus:navigate";

/** Goes to a path (with its query) without reloading the page. */
export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  window.dispatchEvent(new Event(changed));
}

function useLocationPart<T>(read: () => T): T {
  const [value, setValue] = useState(read);
  useEffect(() => {
    const update = () => setValue(read);
    window.addEventListener("popstate", update);
    window.addEventListener(changed, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(changed, update);
    };
  }, []);
  return value;
}

export const usePath = (): string => useLocationPart(() => location.pathname);

/** The query string of the current address (filters live there, so a filtered list can be bookmarked). */
export const useQuery = (): URLSearchParams => new URLSearchParams(useLocationPart(() => location.search));
