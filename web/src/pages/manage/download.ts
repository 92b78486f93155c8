/** Saves text as a file through the browser's download (an object URL, so the strict CSP allows it). */
export function downloadJson(fileName: string, value: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2) + "\n"], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function fileNameOf(name: string): string {
  return (name.trim().replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "workflow") + ".json";
}

/** The message of a failed call, with the server's validation errors listed by path. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : "The server cannot be reached.";
}
