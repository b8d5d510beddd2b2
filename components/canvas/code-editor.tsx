"use client";
// A CodeMirror 6 editor for JSON and expressions, with completion of template paths
// ({{ input }}, {{ steps.<id>.output }}, ...) offered as you type "{{".
import { useEffect, useRef } from "react";
import { EditorView, basicSetup } from "codemirror";
import { EditorState } from "@codemirror/state";
import { json } from "@codemirror/lang-json";
import { javascript } from "@codemirror/lang-javascript";
import { autocompletion, type CompletionContext } from "@codemirror/autocomplete";

interface Props {
  value: string;
  onChange(text: string): void;
  language?: "json" | "text" | "javascript";
  readOnly?: boolean;
  label: string;
  /** Template paths to offer, e.g. "steps.fetch.output". */
  paths?: string[];
  minLines?: number;
  invalid?: boolean;
}

export function CodeEditor({ value, onChange, language = "json", readOnly, label, paths = [], minLines = 4, invalid }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef({ onChange, paths });
  useEffect(() => {
    latest.current = { onChange, paths };
  });

  useEffect(() => {
    const complete = (context: CompletionContext) => {
      const before = context.matchBefore(/\{\{\s*[\w.$]*/);
      if (!before) return null;
      const start = before.from + before.text.indexOf("{{") + 2;
      return {
        from: start,
        options: latest.current.paths.map((p) => ({ label: ` ${p} }}`, displayLabel: p, type: "variable" })),
      };
    };
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          ...(language === "json" ? [json()] : language === "javascript" ? [javascript({ typescript: true })] : []),
          // Scripts use input, steps and run as variables, not {{ templates }}.
          ...(language === "javascript" ? [] : [autocompletion({ override: [complete] })]),
          EditorView.lineWrapping,
          EditorState.readOnly.of(!!readOnly),
          EditorView.editable.of(!readOnly),
          EditorView.contentAttributes.of({ "aria-label": label }),
          EditorView.theme({ "&": { fontSize: "12px" }, ".cm-content": { minHeight: `${minLines * 1.4}em` }, ".cm-gutters": { display: "none" } }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latest.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // The editor is created once; later value changes are pushed below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [language, readOnly]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  return (
    <div
      ref={host}
      className={`overflow-hidden rounded-md border bg-white font-mono focus-within:border-indigo-500 focus-within:ring-2 focus-within:ring-indigo-500/30 ${invalid ? "border-red-500" : "border-zinc-300"}`}
    />
  );
}
