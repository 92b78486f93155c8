import { useEffect, useState } from "react";
import { setUnauthorizedHandler } from "./api/client";
import { clearSession, loadSession, saveSession, type Session } from "./api/session";
import { navigate, routes, usePath } from "./components/router";
import { Header } from "./components/Header";
import { SignInPage } from "./pages/SignInPage";
import { WorkflowsPage } from "./pages/WorkflowsPage";
import { WorkflowDetailPage } from "./pages/WorkflowDetailPage";

export function App() {
  const path = usePath();
  const [session, setSession] = useState<Session | null>(loadSession);
  const [notice, setNotice] = useState<string | null>(null);

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
    else if (session && (path === "/" || path === routes.signIn || !path.startsWith("/ui/"))) navigate(routes.workflows, true);
  }, [session, path]);

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

  const detail = path.match(/^\/ui\/workflows\/([^/]+)$/);
  return (
    <>
      <Header session={session} onSwitchTenant={switchTenant} onSignOut={signOut} />
      <main className="page">
        {detail ? (
          <WorkflowDetailPage key={`${session.tenant}:${detail[1]}`} id={decodeURIComponent(detail[1])} />
        ) : (
          <WorkflowsPage tenant={session.tenant} />
        )}
      </main>
    </>
  );
}
