// The outcome of the last thing done on a page: an error (announced at once) or a confirmation.
import { cx } from "#lib/client/cx.ts";

export interface NoticeMessage {
  tone: "error" | "ok";
  text: string;
}

export function Notice({ message, testId }: { message: NoticeMessage | null; testId?: string }) {
  if (!message) return null;
  return (
    <p role={message.tone === "error" ? "alert" : "status"} className={cx("rounded-md px-3 py-2 text-sm", message.tone === "error" ? "bg-red-50 text-red-800" : "bg-emerald-50 text-emerald-800")} data-testid={testId}>
      {message.text}
    </p>
  );
}
