"use client";
// The editor lends its steps a way to open the quick-add picker from their "+" buttons. Read-only
// canvases (versions, runs) provide none, and their steps draw no "+".
import { createContext, useContext } from "react";

export interface QuickAdd {
  /** Opens the picker for a step after `source`'s output `sourceHandle`, by `button`. */
  open(source: string, sourceHandle: string | null, button: HTMLElement): void;
}

export const QuickAddContext = createContext<QuickAdd | null>(null);

export const useQuickAdd = () => useContext(QuickAddContext);
