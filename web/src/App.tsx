import { lazy, Suspense, useEffect, useState } from "react";
import { setUnauthorizedHandler } from "./api/client";
import { clearSession, saveSession, type Session } from "./api/session";
import { matchRoute, navigate, routes, usePath, type Route } from "./components/router";
import { Header } from "./components/Header";
import { SignInPage } from "./pages/SignInPage";
import { WorkflowsPage } from "./pages/WorkflowsPage";

// Pages past the list load on demand, so the first load stays small (the graph library comes with the pages that
// draw graphs).
const WorkflowDetailPage = lazy(() => import("./pages/WorkflowDetailPage"));
const NewWorkflowPage = lazy(() => import("./pages/NewWorkflowPage"));
const EditorPage = lazy(() => import("./pages/EditorPage"));
const VersionsPage = lazy(() => import("./pages/VersionsPage"));
const MigrationsPage = lazy(() => import("./pages/MigrationsPage"));
const RunPage = lazy(() => import("./pages/RunPage"));
const TriggersPage = lazy(() => import("./pages/TriggersPage"));
const ExecutionsPage = lazy(() => import("./pages/ExecutionsPage"));
const ExecutionPage = lazy(() => import("./pages/ExecutionPage"));
const UsagePage = lazy(() => import("./pages/UsagePage"));

function Page({ route, tenant }: { route: Route; tenant: string | null }) {
  switch (route.page) {
    case "workflows": return <WorkflowsPage tenant={tenant} />;
    case "newWorkflow": return <NewWorkflowPage />;
    case "workflow": return <WorkflowDetailPage id={route.id} />;
    case "editor": return <EditorPage id={route.id} />;
    case "versions": return <VersionsPage id={route.id} />;
    case "migrations": return <MigrationsPage id={route.id} />;
    case "run": return <RunPage id={route.id} />;
    case "triggers": return <TriggersPage id={route.id} />;
    case "executions": return <ExecutionsPage />;
    case "execution": return <ExecutionPage id={route.id} />;
    case "usage": return <UsagePage />;
  }
}

/** `initialSession`: the tab's stored session, read by main.tsx before the page's first frame. */
export function App({ initialSession }: { initialSession: Session | null }) {
  const path = usePath();
  const [session, setSession] = useState<Session | null>(initialSession);
  const [notice, setNotice] = useState<string | null>(null);
  const route = matchRoute(path);

  useEffect(() => {
    setUnauthorizedHandler((message) => {
      setSession(null);
      setNotice(`You were signed out: ${message}`);
      navigate(routes.signIn, true);
    });
  }, []);

  // "/" and unknown paths lead to the list when signed in, to sign-in otherwise.
  useEffect(() => {
    if (!session && path !== routes.signIn) navigate(routes.signIn, true);
    else if (session && !route) navigate(routes.workflows, true);
  }, [session, path, route]);

  if (!session || path === routes.signIn)
    return (
      <SignInPage
        notice={notice}
        onSignedIn={(s) => {
          setNotice(null);
          setSession(s);
          navigate(routes.workflows);
        }}
      />
    );

  const switchTenant = (tenant: string) => {
    const next = { ...session, tenant };
    saveSession(next);
    setSession(next);
  };
  const signOut = () => {
    clearSession();
    setSession(null);
    setNotice(null);
    navigate(routes.signIn);
  };

  return (
    <>
      <Header session={session} onSwitchTenant={switchTenant} onSignOut={signOut} />
      <main className="page">
        <Suspense fallback={<p className="muted">Loading…</p>}>
          {/* Keyed by tenant and path: switching either starts the page afresh instead of showing stale data. */}
          {route && <Page key={`${session.tenant}:${path}`} route={route} tenant={session.tenant} />}
        </Suspense>
      </main>
    </>
  );
}
