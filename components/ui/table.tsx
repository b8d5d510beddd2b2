import type { ReactNode, ThHTMLAttributes, TdHTMLAttributes } from "react";
import { cx } from "#lib/client/cx.ts";

export function Table({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
      <table aria-label={label} className="min-w-full divide-y divide-zinc-200 text-sm">
        {children}
      </table>
    </div>
  );
}

export const Th = ({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) => (
  <th scope="col" className={cx("bg-zinc-50 px-4 py-2.5 text-left text-xs font-semibold tracking-wide text-zinc-500 uppercase", className)} {...props} />
);

export const Td = ({ className, ...props }: TdHTMLAttributes<HTMLTableCellElement>) => (
  <td className={cx("px-4 py-3 align-middle text-zinc-700", className)} {...props} />
);
