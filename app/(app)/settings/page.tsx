import { redirect } from "next/navigation";
import { requireUser } from "../../_server/session.ts";

export default async function SettingsIndex() {
  const user = await requireUser();
  redirect(user.role === "admin" ? "/settings/users" : "/settings/account");
}
