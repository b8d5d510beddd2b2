"use client";
import type { ReactNode } from "react";
import { Dialog as D } from "radix-ui";

interface DialogProps {
  open: boolean;
  onOpenChange(open: boolean): void;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  /** Wider dialogs for editors and diffs. */
  size?: "md" | "lg" | "xl";
}

const widths = { md: "max-w-md", lg: "max-w-2xl", xl: "max-w-5xl" };

/** A modal dialog (Radix: focus trap, Escape, labelled by its title). */
export function Dialog({ open, onOpenChange, title, description, children, size = "md" }: DialogProps) {
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Portal>
        <D.Overlay className="fixed inset-0 z-40 bg-zinc-900/40 backdrop-blur-[1px]" />
        <D.Content
          className={`fixed top-1/2 left-1/2 z-50 max-h-[90vh] w-[calc(100vw-2rem)] ${widths[size]} -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg border border-zinc-200 bg-white p-5 shadow-xl focus:outline-none`}
        >
          <D.Title className="text-base font-semibold text-zinc-900">{title}</D.Title>
          {description ? (
            <D.Description className="mt-1 text-sm text-zinc-600">{description}</D.Description>
          ) : (
            <D.Description className="sr-only">{title}</D.Description>
          )}
          <div className="mt-4">{children}</div>
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}
