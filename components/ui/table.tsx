import type { ReactNode, ThHTMLAttributes, TdHTMLAttributes } from "react";
import { cx } from "#lib/client/cx.ts";

/** A table that becomes a list of cards on a narrow screen (app/globals.css `table.cards`):
 * give each Td the `label` of its column. */
export function Table({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
      <table aria-label={label} className="cards min-w-full divide-y divide-zinc-200 text-sm">
        {children}
      </table>
    </div>
  );
}

export const Th = ({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) => (
  <th scope="col" className={cx("bg-zinc-50 px-4 py-2.5 text-left text-xs font-semibold tracking-wide text-zinc-600 uppercase", className)} {...props} />
);

/** `label`: the column's name, shown above the value when the table is drawn as cards. */
export const Td = ({ className, label, ...props }: TdHTMLAttributes<HTMLTableCellElement> & { label?: string }) => (
  <td className={cx("px-4 py-3 align-middle text-zinc-700", className)} data-label={label} {...props} />
);
