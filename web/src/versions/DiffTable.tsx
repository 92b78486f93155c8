import { useMemo } from "react";
import { jsonLines, sideBySide, type DiffLine } from "./diff";

const marker = { same: " ", removed: "−", added: "+" } as const;

function Cells({ line }: { line: DiffLine | null }) {
  if (!line) return <><td className="diff-marker" /><td className="diff-text diff-empty" /></>;
  return (
    <>
      <td className={`diff-marker line-${line.kind}`} aria-hidden={line.kind === "same" ? true : undefined}>
        {marker[line.kind]}
      </td>
      <td className={`diff-text line-${line.kind}`} data-line={line.kind}>{line.text}</td>
    </>
  );
}

/** Two JSON values side by side, older on the left, with the lines that differ marked (− removed, + added). */
export function DiffTable({ before, after, fromLabel, toLabel, label }: {
  before: unknown;
  after: unknown;
  fromLabel: string;
  toLabel: string;
  label: string;
}) {
  const rows = useMemo(() => sideBySide(jsonLines(before), jsonLines(after)), [before, after]);
  return (
    <div className="diff-scroll">
      <table className="diff" aria-label={label}>
        <colgroup>
          <col className="diff-marker-col" />
          <col />
          <col className="diff-marker-col" />
          <col />
        </colgroup>
        <thead>
          <tr>
            <th scope="col" colSpan={2}>{fromLabel}</th>
            <th scope="col" colSpan={2}>{toLabel}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              <Cells line={row.left} />
              <Cells line={row.right} />
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">Empty in both versions.</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
